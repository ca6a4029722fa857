import { ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AppError, ErrorKind } from './app-error';

interface FakeResponse {
  headersSent: boolean;
  statusCode?: number;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
  status(code: number): FakeResponse;
  json(body: Record<string, unknown>): FakeResponse;
  setHeader(name: string, value: string): void;
}

function fakeHost(request: { id?: string; headers?: Record<string, string> } = { id: 'req-0001-abcd' }, headersSent = false) {
  const res: FakeResponse = {
    headersSent,
    headers: {},
    status(code) {
      this.statusCode = code;
      return this;
    },
    json(body) {
      this.body = body;
      return this;
    },
    setHeader(name, value) {
      this.headers[name] = value;
    },
  };
  const req = { headers: {}, ...request };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req, getNext: () => undefined }) } as unknown as ArgumentsHost;
  return { host, res };
}

describe('AllExceptionsFilter', () => {
  const filter = new AllExceptionsFilter();
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers an unexpected error with a bare 500 and a correlation id, revealing nothing', () => {
    const { host, res } = fakeHost();
    filter.catch(new TypeError("Cannot read properties of undefined (reading 'passwordHash') at /srv/app/src/secret-module.ts:42"), host);
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: expect.stringContaining('correlation id'),
      correlationId: 'req-0001-abcd',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|secret-module|TypeError|\/srv\//);
    // The details go to the log instead, under the same id.
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ correlationId: 'req-0001-abcd', err: expect.objectContaining({ type: 'TypeError' }) }),
      'unexpected error',
    );
  });

  it('never logs the parameters or driver detail of a failed query (they can hold personal data)', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "uq_x"'), {
      code: '23505',
      routine: '_bt_check_unique',
      detail: 'Key (email)=(zhang.san@example.com) already exists.',
    });
    const { host, res } = fakeHost();
    filter.catch(new QueryFailedError('INSERT INTO users (email) VALUES ($1)', ['zhang.san@example.com'], driverError), host);
    expect(res.statusCode).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('zhang.san');
    expect(JSON.stringify(logged.mock.calls)).not.toContain('zhang.san');
    expect(logged.mock.calls[0][0]).toMatchObject({ err: { type: 'QueryFailedError', code: '23505' } });
  });

  it('answers a thrown non-Error value with 500 too', () => {
    const { host, res } = fakeHost();
    filter.catch('a string, thrown', host);
    expect(res.statusCode).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('a string');
  });

  it('gives a correlation id (and the X-Request-Id header) even when the request has none yet', () => {
    const { host, res } = fakeHost({});
    filter.catch(new Error('boom'), host);
    expect(res.body?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['X-Request-Id']).toBe(res.body?.correlationId);
  });

  it('maps a rule refusal to its status and code, and extra fields cannot overwrite the common ones', () => {
    const { host, res } = fakeHost();
    filter.catch(new AppError(ErrorKind.Unprocessable, 'clause_does_not_justify', 'No', { justifyingClauses: ['3.c'], statusCode: 200, code: 'x' }), host);
    expect(res.statusCode).toBe(422);
    expect(res.body).toEqual({ statusCode: 422, error: 'Unprocessable Entity', message: 'No', code: 'clause_does_not_justify', justifyingClauses: ['3.c'] });
  });

  it('answers a lost database with 503, a framework 404 and throttling in the same shape', () => {
    const down = fakeHost();
    filter.catch(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), down.host);
    expect(down.res.body).toMatchObject({ statusCode: 503, code: 'database_unavailable', correlationId: 'req-0001-abcd' });
    expect(JSON.stringify(down.res.body)).not.toContain('5432');

    const missing = fakeHost();
    filter.catch(new NotFoundException('Cannot GET /x'), missing.host);
    expect(missing.res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /x', code: 'not_found' });

    const throttled = fakeHost();
    filter.catch(new ThrottlerException(), throttled.host);
    expect(throttled.res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'throttled' });
  });

  it('does not try to answer twice when the response has already started, but still logs', () => {
    const { host, res } = fakeHost({ id: 'req-0002-abcd' }, true);
    filter.catch(new Error('late failure'), host);
    expect(res.statusCode).toBeUndefined();
    expect(logged).toHaveBeenCalled();
  });
});
