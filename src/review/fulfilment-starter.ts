import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CorrectionJob } from '../corrections';
import { ErasureJob } from '../erasure';
import { ExportsService } from '../exports';
import { JobsService } from '../jobs/jobs.service';
import { REQUEST_COLUMNS, SubjectRequest } from '../requests';

export const FULFILMENT_SWEEP_JOB = 'fulfilment.sweep';
/** Every ten minutes, and once when a process that works the queue starts. */
const FULFILMENT_SWEEP_SCHEDULE = '*/10 * * * *';
const SWEEP_PAGE = 500;

/**
 * Starts the work an approved request does, one way for every caller: the job of its type (a copy,
 * an erasure, a correction), sent in the caller's transaction.
 *
 * And makes sure none is left behind. A worker killed halfway leaves its job `active` in the queue
 * until the queue gives up on it, and its request `fulfilling`: so every ten minutes, and whenever
 * a worker starts, the job is sent again for each request still approved or fulfilling with no
 * failed step (a failed step waits for staff's retry, visibly). A second send is harmless: each
 * job runs one request at a time under an advisory lock, skips what is done, and completes the
 * request once.
 */
@Injectable()
export class FulfilmentStarter implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(FulfilmentStarter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly exports: ExportsService,
    private readonly erasure: ErasureJob,
    private readonly corrections: CorrectionJob,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      FULFILMENT_SWEEP_JOB,
      async () => {
        await this.sweep();
      },
      { schedule: FULFILMENT_SWEEP_SCHEDULE },
    );
  }

  /** A process that works the queue (a worker, or a portal with WORKER_MODE=inline) sweeps once as it starts. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env.WORKER_MODE === 'off') return;
    await this.jobs
      .send(FULFILMENT_SWEEP_JOB, {})
      .catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'could not send the fulfilment sweep'));
  }

  /** The job that carries out an approved request of its type, in the caller's transaction. */
  async start(manager: EntityManager, request: SubjectRequest): Promise<void> {
    await this.exports.startIfCopy(manager, request);
    await this.erasure.startIfErasure(manager, request);
    await this.corrections.startIfCorrection(manager, request);
  }

  /** Sends again the job of every request approved or fulfilling without a failed step; answers how many. */
  async sweep(): Promise<number> {
    let sent = 0;
    let after: string | null = null;
    for (;;) {
      const page: SubjectRequest[] = await this.dataSource.query(
        `SELECT ${REQUEST_COLUMNS} FROM requests
          WHERE status IN ('approved', 'fulfilling') ${after ? 'AND id > $2' : ''}
            AND NOT EXISTS (SELECT 1 FROM fulfilment_failures f WHERE f.request_id = requests.id)
          ORDER BY id LIMIT $1`,
        after ? [SWEEP_PAGE, after] : [SWEEP_PAGE],
      );
      for (const request of page) {
        await this.dataSource.transaction((manager) => this.start(manager, request));
        sent += 1;
      }
      if (page.length < SWEEP_PAGE) break;
      after = page[page.length - 1].id;
    }
    // Ids only: the log never names a subject.
    if (sent > 0) this.logger.log({ requests: sent }, 'fulfilment jobs sent again for requests still under way');
    return sent;
  }
}
