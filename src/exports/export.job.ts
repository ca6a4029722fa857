import { TransferFailed, TransferSender } from './transfer-sender';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { whileLocked } from '../database/advisory-lock';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConsentsService } from '../consents/consents.service';
import { Connectors, ConnectorStepFailed, ConnectorTarget, DataMapService, JsonElements, StepOperation } from '../fulfilment';
import { IdentityService } from '../identity';
import { JobsService } from '../jobs/jobs.service';
import type { AuthUser } from '../kernel/auth-user';
import { loadBundledDataCategories } from '../policy/domain/data-categories';
import { COPY_TYPES, DATA_CATEGORIES, DataCategory, RequestType } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { iso } from '../common/time/iso';
import { FulfilmentProgress, RequestReader, SubjectRequest } from '../requests';
import { ChunkedFile } from './chunked-file';
import { ExportsRepository } from './exports.repository';

export const EXPORT_JOB = 'fulfilment.export';
const EXPIRE_JOB = 'fulfilment.export-expiry';

/** One category as the copy lists it. */
interface CategorySummary {
  category: DataCategory;
  system: string;
  clauses: string[];
  rows: number;
}

/** Why a copy could not be made: which step, which system, and a code (never personal data). */
export class ExportStepFailed extends Error {
  constructor(
    readonly step: string,
    readonly system: string | null,
    readonly reason: string,
  ) {
    super(`${step}${system ? ` (${system})` : ''}: ${reason}`);
    this.name = 'ExportStepFailed';
  }
}

/**
 * Makes the copy an approved access or copy_transfer request asks for (product.md, "Access and
 * copy"): every category of the data map but those the decision withheld, found through the
 * subject's verified link to the app account, streamed from each system into a JSON document (per
 * category: the rows, the system they came from, the clauses the category is held under). The page
 * people read in Chinese and English, and for a copy in CSV one file per category, are made from
 * that document as they are downloaded (copy-rendering.ts). A system that can write its rows as
 * JSON itself does (PostgreSQL: Connector.exportJson), and the portal only passes the text on.
 * Memory holds one piece of a category and two parts of the file at a time. Then the request is
 * completed and the subject told until when the copy can be downloaded (EXPORT_DAYS).
 *
 * Idempotent and resumable: a run starts by moving the request to `fulfilling` (once: a second
 * worker loses the conditional update) and by discarding what an interrupted run wrote; it ends by
 * completing the request in the transaction that marks the copy ready.
 */
@Injectable()
export class ExportJob implements OnModuleInit {
  private readonly logger = new Logger(ExportJob.name);
  private readonly labels = new Map(loadBundledDataCategories().map((d) => [d.id, d.label]));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly requests: RequestReader,
    private readonly progress: FulfilmentProgress,
    private readonly identity: IdentityService,
    private readonly dataMap: DataMapService,
    private readonly connectors: Connectors,
    private readonly consents: ConsentsService,
    private readonly policy: PolicyService,
    private readonly repo: ExportsRepository,
    private readonly config: AppConfig,
    private readonly sender: TransferSender,
  ) {}

  onModuleInit(): void {
    // The portal's own consent ledger, as its `portal` connector exports it: the subject's current state for every purpose.
    this.connectors.providePortalRecords(DataCategory.Consents, async (subjectId) =>
      (await this.consents.list({ id: subjectId } as AuthUser)).map((v) => ({
        purpose: v.purpose,
        state: v.state,
        changedAt: v.changedAt,
        clause: v.clause.id,
      })),
    );
    this.jobs.register<{ requestId: string }>(EXPORT_JOB, (data) => this.run(data.requestId), { retryLimit: 2, retryDelaySeconds: 30, retryBackoff: true });
    // Copies past their EXPORT_DAYS go, with their parts.
    this.jobs.register(EXPIRE_JOB, () => this.repo.deleteExpired().then(() => undefined), { schedule: '17 * * * *' });
  }

  /** One run per request at a time across every process: another run finds the lock held and leaves it to the first. */
  async run(requestId: string): Promise<void> {
    await whileLocked(this.dataSource, 'fulfilment.export', requestId, () => this.runLocked(requestId));
  }

  private async runLocked(requestId: string): Promise<void> {
    const request = await this.progress.begin(requestId, COPY_TYPES);
    if (!request) return;
    try {
      await this.export(request);
    } catch (err) {
      const failed = err instanceof ExportStepFailed ? err : new ExportStepFailed('export', null, 'unexpected_error');
      // Ids and codes only: the log never names the subject or shows their data.
      this.logger.warn({ requestId, step: failed.step, system: failed.system, reason: failed.reason }, 'export step failed');
      await this.repo.markFailed(requestId, request.subjectId, { step: failed.step, system: failed.system, reason: failed.reason, at: iso(new Date()) });
      if (!(err instanceof ExportStepFailed)) throw err;
    }
  }

  private async export(request: SubjectRequest): Promise<void> {
    // Filed for someone else, the filer's own link points at the wrong person: the records are
    // found through the represented person's app account, once a reviewer named it.
    const link = await this.identity.appUserFor(request);
    if ('missing' in link) throw new ExportStepFailed('find', null, link.missing);
    const view = await this.requests.staffView(request);
    const withheld = new Set(view.decision?.withheld ?? []);
    const categories = DATA_CATEGORIES.filter((c) => !withheld.has(c));
    const clauses = await this.policy.dataCategoryClauses();
    const csv = request.type === RequestType.CopyTransfer && request.details.format === 'csv';
    const targetOf = (category: DataCategory): ConnectorTarget => ({
      category,
      mapping: this.dataMap.mapping(category),
      subjectId: request.subjectId,
      subjectRef: request.subjectRef,
      appUserId: link.appUserId,
      requestId: request.id,
      resume: { job: EXPORT_JOB, data: { requestId: request.id } },
    });
    // Systems worked by hand: every step asked for at once, and the copy waits until each is confirmed.
    const waiting = await this.connectors.awaitingConfirmation(categories.map(targetOf), StepOperation.Export);
    if (waiting.length > 0) throw new ExportStepFailed('confirm', [...new Set(waiting.map((w) => w.system))].join(','), 'awaiting_confirmation');

    await this.repo.start(request.id, request.subjectId);
    // The copy is its JSON file, one element a line (copy-rendering.ts): the page and the CSV files are made from it as they are downloaded.
    const json = new ChunkedFile('export.json', (n, data) => this.repo.insertPart(request.id, 'export.json', n, data));
    const summaries: CategorySummary[] = [];

    json.write(
      `{"request":${JSON.stringify({ id: request.id, type: request.type, policyVersion: request.policyVersion, generatedAt: iso(new Date()) })},"categories":[\n`,
    );
    for (const [i, category] of categories.entries()) {
      const mapping = this.dataMap.mapping(category);
      const summary: CategorySummary = { category, system: mapping.system.id, clauses: clauses[category] ?? [], rows: 0 };
      const header = { category, label: this.labels.get(category), system: mapping.system.id, systemLabel: mapping.system.label, clauses: summary.clauses };
      json.write(`${i > 0 ? ',' : ''}${JSON.stringify(header).slice(0, -1)},"rows":[\n`);
      for await (const { text, rows } of this.jsonElementsOf(targetOf(category))) {
        json.write(text);
        summary.rows += rows;
        // Once per piece: a full part goes to the database while the next piece is read.
        await json.spill();
      }
      json.write(']}\n');
      summaries.push(summary);
    }
    const withheldList = [...withheld].map((category) => ({
      category,
      law: view.decision?.law.map((p) => p.id) ?? [],
      clauses: view.decision?.clauses.map((c) => c.id) ?? [],
    }));
    json.write(`],"withheld":${JSON.stringify(withheldList)}}\n`);
    await json.close();

    const files = [json.name, 'export.html', ...(csv ? categories.map((c) => `${c}.csv`) : [])];
    const transfer = await this.transferIfApproved(request, view.decision?.transfer);
    const expiresAt = new Date(Date.now() + this.config.env.EXPORT_DAYS * 86_400_000);
    const summary = { categories: summaries, withheld: [...withheld], rendered: true, ...(transfer && { transfer }) };
    await this.progress.complete(
      request.id,
      { export: { files, rows: summaries.reduce((n, s) => n + s.rows, 0), availableUntil: iso(expiresAt) }, ...(transfer && { transfer }) },
      { availableUntil: iso(expiresAt) },
      (manager) => this.repo.markReady(manager, request.id, files, summary, expiresAt),
    );
  }

  /**
   * A copy_transfer whose decision approved sending it to the handler the subject named: the JSON
   * copy goes there, and the receipt is kept on the completion (the request's timeline, kept when
   * the copy itself is deleted). A decision that declined the transfer is recorded as declined.
   * A failure fails the step (`transfer`), shown and retried like any other.
   */
  private async transferIfApproved(request: SubjectRequest, decided: { approved: boolean } | undefined): Promise<Record<string, unknown> | undefined> {
    const sendTo = request.details.sendTo;
    if (request.type !== RequestType.CopyTransfer || !sendTo) return undefined;
    if (!decided?.approved) return { declined: true, to: sendTo };
    try {
      return { ...(await this.sender.send(request.id, sendTo, () => this.repo.parts(request.id, 'export.json'))) };
    } catch (err) {
      if (err instanceof TransferFailed) throw new ExportStepFailed('transfer', 'recipient', err.reason);
      throw err;
    }
  }

  /** The subject's rows of one category as the elements of a JSON array, through the connector of the system the data map names. */
  private async *jsonElementsOf(target: ConnectorTarget): AsyncGenerator<JsonElements> {
    try {
      yield* this.connectors.jsonElementsOf(target);
    } catch (err) {
      if (err instanceof ConnectorStepFailed) throw new ExportStepFailed(err.step, err.system, err.reason);
      throw err;
    }
  }
}
