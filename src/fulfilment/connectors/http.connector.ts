import { Injectable } from '@nestjs/common';
import { DataMapService } from '../data-map.service';
import { DataSystem, ErasureAction } from '../domain/data-map';
import { STREAM_BATCH_ROWS } from '../operator-database';
import { Connector, ConnectorStepFailed, ConnectorTarget, CorrectionResult, EraseBatchResult } from './connector';
import { signedHeaders } from './http-signature';

/** The most a JSON answer (correct, erase) or one line of an export may hold: a longer one is garbage. */
const MAX_ANSWER_BYTES = 1 << 20;
const MAX_LINE_BYTES = 16 << 20;

/** Why a call went wrong, as a reason code. */
class CallFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `http` connector: the operator's service answers signed calls (README, "Connectors"):
 * `POST <url>/export` streams NDJSON (`{"row":{…}}` per line, then `{"end":{"rows":n}}`),
 * `POST <url>/correct` answers `{"applied":bool,"value":…}` (the value as held after the change),
 * `POST <url>/erase` answers `{"rows":n,"done":bool}`. Each call is signed with HMAC-SHA256 under
 * the system's own secret over the timestamp, method, path and body.
 *
 * Anything else fails the step with a reason code, so that it is shown and can be retried: no
 * answer within the system's timeout (`timeout`; for an export, between two parts of it), a
 * status other than 200 (`http_<status>`), an answer that is not the contract's (`bad_answer`),
 * an export cut short before its end line (`bad_answer`), no connection (`connection_failed`).
 * Nothing is assumed from a partial answer: an erasure is done only when the service says so.
 */
@Injectable()
export class HttpConnector implements Connector {
  constructor(private readonly dataMap: DataMapService) {}

  async *export(target: ConnectorTarget): AsyncGenerator<Record<string, unknown>[]> {
    const system = target.mapping.system;
    const body = { category: target.category, appUser: target.appUserId };
    try {
      yield* this.stream(system, body);
    } catch (err) {
      throw stepFailure('export', system, err);
    }
  }

  async correct(target: ConnectorTarget, field: string, value: string): Promise<CorrectionResult> {
    const system = target.mapping.system;
    let answer: JsonObject;
    try {
      answer = await this.call(system, 'correct', { category: target.category, appUser: target.appUserId, field, value });
    } catch (err) {
      throw stepFailure('correct', system, err);
    }
    if (typeof answer.applied !== 'boolean' || (answer.applied && !('value' in answer))) throw new ConnectorStepFailed('correct', system.id, 'bad_answer');
    return answer.applied ? { applied: true, held: answer.value } : { applied: false };
  }

  async eraseBatch(target: ConnectorTarget, batchRows: number): Promise<EraseBatchResult> {
    const system = target.mapping.system;
    const action = target.mapping.erase.action;
    if (action === ErasureAction.Keep) throw new ConnectorStepFailed('erase', system.id, 'no_statement');
    let answer: JsonObject;
    try {
      answer = await this.call(system, 'erase', { category: target.category, appUser: target.appUserId, action, batchSize: batchRows });
    } catch (err) {
      throw stepFailure('erase', system, err);
    }
    const { rows, done } = answer;
    if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 0 || typeof done !== 'boolean')
      throw new ConnectorStepFailed('erase', system.id, 'bad_answer');
    // An answer that erased nothing and is not done would be asked again for ever.
    if (rows === 0 && !done) throw new ConnectorStepFailed('erase', system.id, 'no_progress');
    return { rows, done };
  }

  /** One signed call answered by one JSON object. */
  private async call(system: DataSystem, operation: 'correct' | 'erase', body: JsonObject): Promise<JsonObject> {
    const endpoint = system.http!;
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    const res = await this.send(system, operation, body, signal);
    const text = await readCapped(res, MAX_ANSWER_BYTES, signal);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new CallFailed('bad_answer');
    }
    if (!isObject(answer)) throw new CallFailed('bad_answer');
    return answer;
  }

  /** The export's lines, batched; the timeout restarts with every part that arrives. */
  private async *stream(system: DataSystem, body: JsonObject): AsyncGenerator<Record<string, unknown>[]> {
    const timeoutMs = system.http!.timeoutMs;
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(new CallFailed('timeout')), timeoutMs);
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new CallFailed('timeout')), timeoutMs);
    };
    try {
      const res = await this.send(system, 'export', body, controller.signal);
      if (!/^application\/(x-)?ndjson\b/i.test(res.headers.get('content-type') ?? '')) throw new CallFailed('bad_answer');
      const reader = byteReader(res);
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let pending = '';
      let batch: Record<string, unknown>[] = [];
      let rows = 0;
      let ended = false;
      const line = (text: string): void => {
        if (text.trim() === '') return;
        if (ended) throw new CallFailed('bad_answer');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new CallFailed('bad_answer');
        }
        if (isObject(parsed) && isObject(parsed.row) && Object.keys(parsed).length === 1) {
          batch.push(parsed.row);
          rows += 1;
        } else if (isObject(parsed) && isObject(parsed.end) && parsed.end.rows === rows) ended = true;
        else throw new CallFailed('bad_answer');
      };
      for (;;) {
        const { value, done } = await reader.read().catch((err: unknown) => {
          throw controller.signal.reason instanceof CallFailed ? controller.signal.reason : err;
        });
        if (done) break;
        idle();
        try {
          pending += decoder.decode(value, { stream: true });
        } catch {
          throw new CallFailed('bad_answer');
        }
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        if (pending.length > MAX_LINE_BYTES) throw new CallFailed('bad_answer');
        for (const text of lines) line(text);
        if (batch.length >= STREAM_BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      line(pending);
      // Cut short: the rows that came may not be all of them.
      if (!ended) throw new CallFailed('bad_answer');
      if (batch.length > 0) yield batch;
    } catch (err) {
      throw controller.signal.reason instanceof CallFailed ? controller.signal.reason : err;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  private async send(system: DataSystem, operation: string, body: JsonObject, signal: AbortSignal): Promise<Response> {
    const url = new URL(`${system.http!.url}/${operation}`);
    const text = JSON.stringify(body);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, application/x-ndjson',
      ...signedHeaders(this.dataMap.secretOf(system), 'POST', url.pathname, text),
    };
    // No redirects: a signed call goes to the address the data map names, or nowhere.
    const res = await fetch(url, { method: 'POST', headers, body: text, signal, redirect: 'manual' });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw new CallFailed(`http_${res.status}`);
    }
    return res;
  }
}

/** The answer's body, read part by part. */
function byteReader(res: Response): ReadableStreamDefaultReader<Uint8Array> {
  return (res.body as ReadableStream<Uint8Array>).getReader();
}

/** The answer's text, refused past `max` bytes. */
async function readCapped(res: Response, max: number, signal: AbortSignal): Promise<string> {
  const reader = byteReader(res);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max || signal.aborted) {
      await reader.cancel().catch(() => undefined);
      throw new CallFailed(signal.aborted ? 'timeout' : 'bad_answer');
    }
    parts.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
  } catch {
    throw new CallFailed('bad_answer');
  }
}

/** A call's failure as the step's: a timeout (the fetch's own, or ours), a code we named, or no connection. */
function stepFailure(step: string, system: DataSystem, err: unknown): ConnectorStepFailed {
  if (err instanceof ConnectorStepFailed) return err;
  if (err instanceof CallFailed) return new ConnectorStepFailed(step, system.id, err.reason);
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return new ConnectorStepFailed(step, system.id, 'timeout');
  return new ConnectorStepFailed(step, system.id, 'connection_failed');
}
