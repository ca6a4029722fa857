import { QueryFailedError } from 'typeorm';

// SQLSTATE classes that mean "the server is not there", not "your query is wrong":
// 08 connection exception, 57P01-57P03 shutdown / cannot connect now, 53 insufficient resources.
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53)/;
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connect ECONNREFUSED',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated due to connection timeout',
  'the database system is shutting down',
  'the database system is starting up',
  // pg's client-side query_timeout: the server took the connection but stopped answering.
  'Query read timeout',
];

interface ErrorLike {
  message: string;
  code?: unknown;
}

/**
 * Duck-typed on purpose: socket errors are made by Node's own Error class, which is not the one
 * `instanceof Error` sees inside some sandboxes (jest's, for one).
 */
function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!isErrorLike(error)) return false;
  const code = error.code ?? (error instanceof QueryFailedError ? (error.driverError as { code?: unknown }).code : undefined);
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) return true;
  return UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m));
}

/** SQLSTATE 23505: a unique constraint refused the row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = error.driverError as { code?: string; constraint?: string };
  return driver.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}
