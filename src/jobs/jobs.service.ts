/**
 * The job queue: background and periodic work, kept in PostgreSQL (pg-boss, in its own `pgboss`
 * schema of the portal's database), so it survives restarts and is shared by every process.
 *
 * Registering work (in a provider's `onModuleInit`, so it is known before workers start):
 *
 *   jobs.register<{ requestId: string }>('fulfilment.run', async (data, job) => { … }, { retryLimit: 5, retryBackoff: true });
 *   jobs.register('requests.overdue-scan', () => this.scanOverdue(), { schedule: '*\/5 * * * *' });
 *   jobs.register('notifications.deliver', () => this.deliver(), { everySeconds: 10, policy: 'short' });
 *
 *   - `schedule`: five-field cron (minute-grained, UTC unless `timeZone`); one job per matching
 *     minute across all processes. `everySeconds`: one job per N-second slot across all processes.
 *   - a handler that throws fails the job; the queue retries it `retryLimit` times (default 2),
 *     after `retryDelaySeconds`, doubling with `retryBackoff`. Handlers must be idempotent: a job
 *     can run again after a crash.
 *   - `policy: 'short'` makes a job a "wake-up": while one waits, further sends are dropped.
 *
 * Sending work:
 *
 *   await jobs.send('fulfilment.run', { requestId });                        // now
 *   await jobs.send('fulfilment.run', { requestId }, { startAfter: 60 });    // in a minute
 *   await dataSource.transaction(async (manager) => {
 *     …change…
 *     await jobs.send('fulfilment.run', { requestId }, { manager });          // iff the change commits
 *   });
 *
 *   `send` resolves to the job id, or null when the queue's policy or a singleton setting dropped
 *   it. Job data is stored: ids and codes only, never personal data. A name must be registered
 *   (in every process: all of them load the same modules) before it is sent.
 *
 * Who runs the jobs (setting WORKER_MODE):
 *   - `inline` (default): this process works every registered queue and runs the schedules.
 *   - `off`: this process only sends; pg-boss is started lazily on the first `send`. A separate
 *     `npm run worker` (src/worker.ts: the same modules, no HTTP) does the work.
 *   Any number of processes may work the same queues: a job is handed to one worker at a time.
 *
 * On shutdown (app.close(), SIGTERM in the worker) the queue stops taking new jobs, waits for the
 * running ones (up to 20 s) and closes its connections, before the database connection closes.
 */
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DEFAULT_JOBS_CADENCE, JOBS_CADENCE, JobsCadence } from './jobs-cadence';
import { JOBS_SCHEMA } from './jobs-schema';
import { DuplicateJobError, JobHandler, RegisterJobOptions, SendJobOptions, UnknownJobError } from './jobs.types';

const STOP_TIMEOUT_MS = 20_000;
/** Singleton key of the jobs sent by `everySeconds` timers, apart from ad-hoc sends. */
const PERIODIC_KEY = 'periodic';

interface Registration {
  name: string;
  handler: JobHandler<object>;
  options: RegisterJobOptions;
}

@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private readonly registrations = new Map<string, Registration>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly workerIds = new Map<string, string[]>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly activations: Promise<void>[] = [];
  private boss?: Promise<PgBoss>;
  private working = false;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(JOBS_CADENCE) private readonly cadence: JobsCadence = DEFAULT_JOBS_CADENCE,
  ) {}

  /** Whether this process works the queues (WORKER_MODE=inline, or the worker process). */
  get worksJobs(): boolean {
    return this.config.env.WORKER_MODE === 'inline';
  }

  register<T extends object = Record<string, never>>(name: string, handler: JobHandler<T>, options: RegisterJobOptions = {}): void {
    if (this.registrations.has(name)) throw new DuplicateJobError(name);
    const registration: Registration = { name, handler: handler as JobHandler<object>, options };
    this.registrations.set(name, registration);
    if (this.working) this.track(this.activate(registration));
  }

  async send<T extends object>(name: string, data: T, options: SendJobOptions = {}): Promise<string | null> {
    const registration = this.registrations.get(name);
    if (!registration) throw new UnknownJobError(name);
    const boss = await this.start();
    await this.ensureQueue(boss, registration);
    const { manager, startAfter, retryDelaySeconds, ...rest } = options;
    const id = await boss.send(name, data, {
      ...definedOnly(rest),
      ...(retryDelaySeconds !== undefined && { retryDelay: retryDelaySeconds }),
      ...(startAfter !== undefined && { startAfter: startAfter instanceof Date ? startAfter.toISOString() : startAfter }),
      ...(manager?.queryRunner && { db: inTransaction(manager) }),
    });
    // A job written inside a transaction is invisible until it commits: waking now would find nothing.
    if (id && !manager?.queryRunner) this.wakeLocalWorkers(name);
    return id;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.worksJobs) {
      this.logger.log('Jobs are not worked in this process (WORKER_MODE=off); run `npm run worker` to work them');
      return;
    }
    const boss = await this.start();
    try {
      // A Map iterator also visits what is registered while it runs; later registrations are
      // activated by register() itself once `working` is set.
      for (const registration of this.registrations.values()) await this.activate(registration);
    } catch (err) {
      // The app will not start: leave no workers polling behind it.
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw err;
    }
    this.working = true;
  }

  /** Before the database connection closes: running handlers still need it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.working = false;
    await Promise.allSettled(this.activations);
    for (const timer of this.timers) clearInterval(timer);
    const boss = await this.boss?.catch(() => undefined);
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: STOP_TIMEOUT_MS });
  }

  private start(): Promise<PgBoss> {
    if (this.stopping) return Promise.reject(new Error('the job queue is shutting down'));
    this.boss ??= this.open().catch((err: unknown) => {
      this.boss = undefined;
      throw err;
    });
    return this.boss;
  }

  private async open(): Promise<PgBoss> {
    const works = this.worksJobs;
    const boss = new PgBoss({
      connectionString: this.config.env.DATABASE_URL,
      schema: JOBS_SCHEMA,
      application_name: 'dsr-portal-jobs',
      max: works ? 6 : 3,
      // With an owner role, the owner has installed the schema (installJobsSchema) and this role may not.
      migrate: !this.config.env.DATABASE_OWNER_URL,
      // Cron evaluation and queue maintenance only where jobs are worked.
      schedule: works,
      supervise: works,
      cronMonitorIntervalSeconds: this.cadence.cronMonitorSeconds,
      cronWorkerIntervalSeconds: this.cadence.cronWorkerSeconds,
      // Finished jobs (ids and codes only) move to the archive after an hour (pg-boss: 12 h);
      // periodic jobs would otherwise crowd the live table.
      archiveCompletedAfterSeconds: 60 * 60,
    });
    // pg-boss reports worker and maintenance errors here (as plain objects; `queue` names the queue).
    boss.on('error', (err: Error & { queue?: string }) =>
      this.logger.warn({ queue: err.queue, err: { type: err.name ?? 'Error', message: err.message } }, 'job queue error'),
    );
    await boss.start();
    return boss;
  }

  /** Creates the queue once per process (idempotent in the database) and applies its settings. */
  private ensureQueue(boss: PgBoss, registration: Registration): Promise<void> {
    let ready = this.queues.get(registration.name);
    if (!ready) {
      const { policy = 'standard', retryLimit, retryDelaySeconds, retryBackoff, expireInSeconds } = registration.options;
      const settings = definedOnly<Omit<PgBoss.Queue, 'name'>>({ policy, retryLimit, retryDelay: retryDelaySeconds, retryBackoff, expireInSeconds });
      ready = (async () => {
        await boss.createQueue(registration.name, { name: registration.name, ...settings });
        await boss.updateQueue(registration.name, { name: registration.name, ...settings });
      })();
      ready.catch(() => this.queues.delete(registration.name));
      this.queues.set(registration.name, ready);
    }
    return ready;
  }

  private async activate(registration: Registration): Promise<void> {
    const boss = await this.start();
    const { name, options } = registration;
    await this.ensureQueue(boss, registration);
    if (options.schedule) await boss.schedule(name, options.schedule, {}, { tz: options.timeZone ?? 'UTC' });
    // A schedule dropped from the code is dropped from the database too.
    else await boss.unschedule(name);
    const ids: string[] = [];
    for (let i = 0; i < Math.max(1, options.concurrency ?? 1); i++) {
      ids.push(await boss.work<object>(name, { pollingIntervalSeconds: this.cadence.pollingSeconds, batchSize: 1 }, ([job]) => this.run(registration, job)));
    }
    this.workerIds.set(name, ids);
    if (options.everySeconds) {
      const seconds = options.everySeconds;
      const tick = () => void this.sendPeriodic(boss, name, seconds);
      const timer = setInterval(tick, seconds * 1000);
      timer.unref();
      this.timers.push(timer);
      tick();
    }
  }

  private async run(registration: Registration, job: PgBoss.Job<object>): Promise<void> {
    try {
      await registration.handler(job.data ?? {}, { id: job.id, name: job.name });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.logger.warn({ job: job.name, jobId: job.id, err: { type: e.name, message: e.message } }, 'job failed; the queue retries it while retries remain');
      throw err;
    }
  }

  private async sendPeriodic(boss: PgBoss, name: string, seconds: number): Promise<void> {
    if (this.stopping) return;
    try {
      const id = await boss.sendThrottled(name, {}, {}, seconds, PERIODIC_KEY);
      if (id) this.wakeLocalWorkers(name);
    } catch (err) {
      const e = err as Error;
      this.logger.warn({ job: name, err: { type: e.name, message: e.message } }, 'could not enqueue a periodic job; will try again');
    }
  }

  private wakeLocalWorkers(name: string): void {
    const ids = this.workerIds.get(name);
    if (!ids) return;
    void this.boss?.then((boss) => ids.forEach((id) => boss.notifyWorker(id)));
  }

  private track(activation: Promise<void>): void {
    const tracked = activation.catch((err: Error) =>
      this.logger.error({ err: { type: err.name, message: err.message } }, 'could not start working a job queue'),
    );
    this.activations.push(tracked);
  }
}

/** pg-boss runs its INSERT on the caller's transaction connection instead of its own pool. */
function inTransaction(manager: EntityManager): PgBoss.Db {
  const runner = manager.queryRunner!;
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const result = await runner.query(text, values, true);
      return { rows: result.records as unknown[] };
    },
  };
}

/** pg-boss checks options by presence (`'retryLimit' in options`): an undefined value is refused. */
function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
