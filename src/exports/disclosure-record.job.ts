import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { iso } from '../common/time/iso';
import { AppConfig } from '../config/app-config';
import { whileLocked } from '../database/advisory-lock';
import { DisclosureRegister, SubjectDisclosureEntry } from '../disclosures';
import { JobsService } from '../jobs/jobs.service';
import { loadBundledDataCategories } from '../policy/domain/data-categories';
import { RequestType } from '../policy/domain/policy.types';
import { FulfilmentProgress, SubjectRequest } from '../requests';
import { escapeHtml } from '../common/text/escape-html';
import { ChunkedFile } from './chunked-file';
import { ExportStepFailed } from './export.job';
import { ExportsRepository } from './exports.repository';

export const DISCLOSURE_RECORD_JOB = 'fulfilment.disclosure-record';

/**
 * Request types whose approval hands the subject the record of disclosures of their information
 * (PIPL Arts. 23, 44, 45). Not copy types (COPY_TYPES): the register is the portal's own record,
 * keyed by the portal account, so no verified link to the app's account is needed to find it.
 */
export const RECORD_TYPES: readonly RequestType[] = [RequestType.DisclosureLog];

/** One entry as the subject reads it: no register-internal fields (recorder, review, references, hashes). */
export interface RecordEntry {
  id: string;
  firstDisclosedAt: string;
  lastDisclosedAt: string;
  frequency: string | null;
  recipient: { kind: string; name: string; country: string; contact: string | null };
  clauses: { id: string; text: string }[];
  law: { id: string; instrument: string; article: string; text: string }[];
  categories: { id: string; label: { 'zh-CN': string; en: string } | null }[];
  purpose: string;
}

/** The record's JSON file (`export.json`) as this job writes it: the portal's page reads it back. */
export interface DisclosureRecordDocument {
  request: { id: string; type: string; policyVersion: number; generatedAt: string };
  entries: RecordEntry[];
  withheld: { entries: number };
}

/**
 * Makes the record an approved `disclosure_log` request asks for (product.md, "The disclosure
 * register and legal review"): the subject's entries of the register as JSON and as a page people
 * read in Chinese and English, stored and downloaded like a copy (`export.json`, `export.html` in
 * `export_parts`, `GET /api/v1/requests/:id/export`, EXPORT_DAYS, each download audited).
 *
 * What the record lists: the disclosures **made** (`countsAsMade`). A disclosure to an authority
 * counts as made only once a legal reviewer other than its recorder confirmed it; until then it is
 * neither listed nor counted, because legal's review is also where a withholding under PIPL
 * Arts. 18(1)/35 is decided, and counting an unreviewed authority disclosure would tell the subject
 * what that review may have to keep from them. Entries withheld now are counted, never detailed.
 *
 * Idempotent and resumable like the copy: a run moves the request to `fulfilling` once, discards what
 * an interrupted run wrote, and completes the request in the transaction that marks the record ready.
 */
@Injectable()
export class DisclosureRecordJob implements OnModuleInit {
  private readonly logger = new Logger(DisclosureRecordJob.name);
  private readonly labels = new Map(loadBundledDataCategories().map((d) => [d.id as string, d.label]));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly progress: FulfilmentProgress,
    private readonly register: DisclosureRegister,
    private readonly repo: ExportsRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ requestId: string }>(DISCLOSURE_RECORD_JOB, (data) => this.run(data.requestId), {
      retryLimit: 2,
      retryDelaySeconds: 30,
      retryBackoff: true,
    });
  }

  /** One run per request at a time across every process (the copy's lock: one request is one or the other). */
  async run(requestId: string): Promise<void> {
    await whileLocked(this.dataSource, 'fulfilment.export', requestId, () => this.runLocked(requestId));
  }

  private async runLocked(requestId: string): Promise<void> {
    const request = await this.progress.begin(requestId, RECORD_TYPES);
    if (!request) return;
    try {
      await this.write(request);
    } catch (err) {
      const failed = err instanceof ExportStepFailed ? err : new ExportStepFailed('record', null, 'unexpected_error');
      // Ids and codes only: the log never names the subject or a recipient.
      this.logger.warn({ requestId, step: failed.step, reason: failed.reason }, 'disclosure record step failed');
      await this.repo.markFailed(requestId, request.subjectId, { step: failed.step, system: failed.system, reason: failed.reason, at: iso(new Date()) });
      if (!(err instanceof ExportStepFailed)) throw err;
    }
  }

  private async write(request: SubjectRequest): Promise<void> {
    // Filed for someone else, the filer's own entries are the wrong person's, and the register
    // records portal accounts only, which the person represented may not have: the step stops here,
    // visibly, for staff to answer the request by hand (README, "Known limits").
    if (request.details.onBehalfOf) throw new ExportStepFailed('find', null, 'represented_person_not_linked');
    const generatedAt = iso(new Date());
    const all = await this.register.entriesOfSubject(request.subjectId);
    const made = all.filter((e) => e.countsAsMade);
    const listed = made.filter((e) => !e.withheld).map((e) => this.entryOf(e));
    const withheld = made.length - listed.length;

    await this.repo.start(request.id, request.subjectId);
    const file = (name: string) => new ChunkedFile(name, (n, data) => this.repo.insertPart(request.id, name, n, data));
    const json = file('export.json');
    const html = file('export.html');

    json.write(`{"request":${JSON.stringify({ id: request.id, type: request.type, policyVersion: request.policyVersion, generatedAt })},"entries":[`);
    html.write(htmlHead(request, generatedAt));
    for (const [i, entry] of listed.entries()) {
      json.write(`${i > 0 ? ',' : ''}${JSON.stringify(entry)}`);
      html.write(htmlEntry(entry));
      await Promise.all([json.spill(), html.spill()]);
    }
    if (listed.length === 0) html.write('<p>无 / None</p>');
    json.write(`],"withheld":${JSON.stringify({ entries: withheld })}}`);
    html.write(htmlWithheld(withheld));
    html.write('</body></html>');
    await json.close();
    await html.close();

    const files = [json.name, html.name];
    const expiresAt = new Date(Date.now() + this.config.env.EXPORT_DAYS * 86_400_000);
    await this.progress.complete(
      request.id,
      { export: { files, entries: listed.length, withheld, availableUntil: iso(expiresAt) } },
      { availableUntil: iso(expiresAt) },
      (manager) => this.repo.markReady(manager, request.id, files, { entries: listed.length, withheld }, expiresAt),
    );
  }

  private entryOf(e: SubjectDisclosureEntry): RecordEntry {
    return {
      id: e.id,
      firstDisclosedAt: e.firstDisclosedAt,
      lastDisclosedAt: e.lastDisclosedAt,
      frequency: e.frequency,
      recipient: { kind: e.recipient.kind, name: e.recipient.name, country: e.recipient.country, contact: e.recipient.contact },
      clauses: e.clauses.map((c) => ({ id: c.id, text: c.text })),
      law: e.law.map((p) => ({ id: p.id, instrument: p.instrument, article: p.article, text: p.text })),
      categories: e.categories.map((id) => ({ id, label: this.labels.get(id) ?? null })),
      purpose: e.purpose,
    };
  }
}

/** The recipient kinds as the page names them. */
const KIND_LABELS: Record<string, string> = {
  authority: '国家机关 / Authority',
  complaint_party: '投诉相关方 / Party to a complaint',
  counterparty: '交易相对方 / Counterparty',
  affiliate: '关联公司 / Affiliate',
  partner: '合作伙伴 / Partner',
  credit_bureau: '征信机构 / Credit bureau',
  other: '其他 / Other',
};

function htmlHead(request: SubjectRequest, generatedAt: string): string {
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>个人信息对外提供记录 / Record of disclosures of your information</title>' +
    '<style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#111}section{border-top:1px solid #999;margin:1rem 0;padding-top:.5rem}dt{font-weight:bold}dd{margin:0 0 .5rem 1rem}</style>' +
    `</head><body><h1>个人信息对外提供记录 / Record of disclosures of your information</h1><p>申请 / Request ${escapeHtml(request.id)} · ${escapeHtml(request.type)} · ${escapeHtml(generatedAt)}</p>`
  );
}

function htmlEntry(e: RecordEntry): string {
  const when =
    e.firstDisclosedAt === e.lastDisclosedAt
      ? escapeHtml(e.firstDisclosedAt)
      : `${escapeHtml(e.firstDisclosedAt)} – ${escapeHtml(e.lastDisclosedAt)} (${escapeHtml(e.frequency)})`;
  const item = (dt: string, dd: string) => `<dt>${dt}</dt><dd>${dd}</dd>`;
  return (
    `<section><h2>${escapeHtml(e.recipient.name)}</h2><dl>` +
    item('时间 / When', when) +
    item('接收方类型 / Recipient kind', escapeHtml(KIND_LABELS[e.recipient.kind] ?? e.recipient.kind)) +
    item('国家或地区 / Country or region', escapeHtml(e.recipient.country)) +
    item('联系方式 / Contact', escapeHtml(e.recipient.contact ?? '—')) +
    item('目的 / Purpose', escapeHtml(e.purpose)) +
    item('个人信息类别 / Categories', e.categories.map((c) => escapeHtml(c.label ? `${c.label['zh-CN']} / ${c.label.en}` : c.id)).join('; ')) +
    item('依据条款 / Policy clauses', e.clauses.map((c) => `<p><b>${escapeHtml(c.id)}</b> ${escapeHtml(c.text)}</p>`).join('')) +
    item(
      '法律依据 / Provisions',
      e.law.length === 0 ? '—' : e.law.map((p) => `<p><b>${escapeHtml(`${p.instrument} ${p.article}`)}</b> ${escapeHtml(p.text)}</p>`).join(''),
    ) +
    '</dl></section>'
  );
}

function htmlWithheld(count: number): string {
  return (
    '<section><h2>暂不提供详情的记录 / Entries not detailed</h2>' +
    `<p>${count} 条记录依照法律、行政法规的保密要求暂不向您提供详情（《个人信息保护法》第十八条、第三十五条）。 / ` +
    `${count} entr${count === 1 ? 'y is' : 'ies are'} not detailed for now, as a law or administrative regulation requires confidentiality (PIPL Arts. 18, 35).</p></section>`
  );
}
