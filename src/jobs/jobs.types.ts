import type { EntityManager } from 'typeorm';

/** What a handler learns about the job it runs (besides its data). */
export interface JobContext {
  id: string;
  name: string;
}

/**
 * Does the work of one job. Throwing fails the job: the queue retries it (see `retryLimit`). Job
 * data is stored in the database: ids and codes only, never personal data.
 */
export type JobHandler<T extends object = Record<string, never>> = (data: T, job: JobContext) => Promise<void>;

/**
 * How the queue treats a job name (pg-boss queue policies):
 * - `standard`: every job sent is kept and run;
 * - `short`: at most one job waits; sending while one waits does nothing (a "wake up" trigger);
 * - `singleton`: at most one job runs at a time;
 * - `stately`: at most one waits and one runs.
 */
export type JobPolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface RegisterJobOptions {
  /**
   * Five-field cron (`*\/5 * * * *`), evaluated in `timeZone`. The queue sends one job per matching
   * minute across every process, so this is minute-grained; use `everySeconds` for finer.
   */
  schedule?: string;
  /** IANA time zone of `schedule`; UTC unless given. */
  timeZone?: string;
  /**
   * Run roughly every N seconds (at most one job per N-second slot across every process).
   * For sub-minute periodic work, such as polling an outbox.
   */
  everySeconds?: number;
  /** Retries after a failure before the job is marked failed (default 2). */
  retryLimit?: number;
  /** Seconds before the first retry (default 0, or 1 with backoff). */
  retryDelaySeconds?: number;
  /** Double the delay with every retry. */
  retryBackoff?: boolean;
  /** A job running longer than this is considered failed, in seconds (default 15 minutes). */
  expireInSeconds?: number;
  policy?: JobPolicy;
  /** Jobs of this name that one process may run at once (default 1). */
  concurrency?: number;
}

export interface SendJobOptions {
  /**
   * Enqueue inside this transaction: the job exists only if it commits. Avoid it for `short`,
   * `stately` or singleton-keyed jobs: their uniqueness check makes a concurrent transaction that
   * sends the same job wait for this one to finish.
   */
  manager?: EntityManager;
  /** Not before: a date, or a delay in seconds. */
  startAfter?: Date | number;
  /** With `short`/`stately`/`singleton` queues: uniqueness is per key. */
  singletonKey?: string;
  /** At most one job per slot of this many seconds (per `singletonKey`). */
  singletonSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  priority?: number;
}

/** A job name used without being registered first: a programming error, found at once. */
export class UnknownJobError extends Error {
  constructor(name: string) {
    super(`No job named "${name}" is registered; call JobsService.register() first (in onModuleInit)`);
    this.name = 'UnknownJobError';
  }
}

/** Registering one name twice would silently replace a handler. */
export class DuplicateJobError extends Error {
  constructor(name: string) {
    super(`A job named "${name}" is already registered`);
    this.name = 'DuplicateJobError';
  }
}
