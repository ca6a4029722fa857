import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../kernel/role';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../kernel/actor';
import { isUniqueViolation } from '../common/errors/database-errors';
import { AppConfig } from '../config/app-config';
import { NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { parsePolicyGlosses, PolicyGlosses } from './domain/policy-glosses';
import { PolicyParseError } from './domain/policy-parse.error';
import { parsePolicyMarkdown } from './domain/policy-parser';
import { parsePolicyRules } from './domain/policy-rules';
import { parsePolicyCoverage, PolicyCoverage } from './domain/policy-coverage';
import { BundledPolicyVersion, loadBundledVersion1 } from './domain/policy-version.loader';
import { LawService } from '../law';
import type { ParsedPolicy, PolicyRules } from './domain/policy.types';
import { policyInvalid, versionMoved } from './policy.errors';
import { Citation, PolicyRepository } from './policy.repository';
import { PolicyService } from './policy.service';
import type { ClauseChanges, PolicyVersion } from './policy-version';

export interface PolicyDraft {
  /** The policy text as it will be published (Markdown). */
  markdown: string;
  /** Justification rules (YAML); when absent, the rules in force are carried over and re-checked. */
  rules?: string;
  /** Each clause's standing (YAML); when absent, the standings in force are carried over and re-checked. */
  coverage?: string;
  /** English glosses (YAML); when absent, those of clauses that still exist are carried over. */
  glosses?: string;
  major: boolean;
  /** The version the publisher reviewed the impact against; publishing fails with 409 if another came first. */
  expectedCurrentVersion?: number;
}

export interface ImpactReport {
  currentVersion: number;
  nextVersion: number;
  major: boolean;
  sha256: string;
  changes: ClauseChanges;
  warnings: ParsedPolicy['warnings'];
  openRequests: Citation[];
  pastDecisions: Citation[];
  /** a major version notifies every subject (policy 7.b) */
  subjectsToNotify: boolean;
}

/** Checks drafts, reports their impact, and publishes new versions (policy 7.a, 7.b). */
@Injectable()
export class PolicyPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger(PolicyPublisher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: PolicyRepository,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly config: AppConfig,
    private readonly law: LawService,
  ) {}

  /**
   * Version 1 is the published policy shipped with the code; it is put in force on first start. On
   * a database that already has it, the reading shipped with the code (rules, standings) becomes its
   * next revision when it differs from the one in force.
   */
  async onApplicationBootstrap(): Promise<void> {
    const v1 = loadBundledVersion1(this.config.env.OPERATOR_NAME, this.law.ids());
    if ((await this.repo.currentVersionNumber()) !== null) return this.reviseVersion1(v1);
    const version = this.toVersion(1, true, v1.markdown, v1.parsed, v1.rules, v1.rulesSource, v1.glosses, {
      added: v1.parsed.clauses.map((c) => c.id),
      changed: [],
      removed: [],
    });
    try {
      await this.dataSource.transaction(async (m) => {
        await this.repo.insert(m, { ...version, publishedBy: null });
        await this.repo.insertRevision(m, { ...v1, version: 1, revision: 1, revisedBy: null });
        await this.audit.record(m, {
          action: 'policy.published',
          actor: SYSTEM_ACTOR,
          entityType: 'policy_version',
          entityId: '1',
          data: { version: 1, major: true, sha256: version.sha256, initial: true },
        });
      });
      this.logger.log(`Policy version 1 put in force (${v1.parsed.clauses.length} clauses, ${v1.parsed.warnings.length} defects of the text handled)`);
    } catch (err) {
      // Another process of ours put it in force at the same moment.
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /** The reading of version 1 shipped with the code, as its next revision, if it differs from the one in force. */
  private async reviseVersion1(v1: BundledPolicyVersion): Promise<void> {
    const stored = await this.policy.get(1);
    // A database whose version 1 is another text (an operator's own) keeps its own reading.
    if (stored.sha256 !== v1.parsed.sha256) return;
    if (stored.rulesSource === v1.rulesSource && stored.coverageSource === v1.coverageSource) return;
    const revision = stored.rulesRevision + 1;
    try {
      await this.dataSource.transaction(async (m) => {
        await this.repo.insertRevision(m, { ...v1, version: 1, revision, revisedBy: null });
        await this.audit.record(m, {
          action: 'policy.rules_revised',
          actor: SYSTEM_ACTOR,
          entityType: 'policy_version',
          entityId: '1',
          data: { version: 1, revision },
        });
      });
      this.policy.readingRevised(1);
      this.logger.log(`Policy version 1: the justification rules and clause standings shipped with the code are now in force (revision ${revision})`);
    } catch (err) {
      // Another process of ours recorded the same revision at the same moment.
      if (!isUniqueViolation(err)) throw err;
      this.policy.readingRevised(1);
    }
  }

  /** Parses and validates a draft and lists what it would affect; publishes nothing. */
  async impact(draft: PolicyDraft): Promise<ImpactReport> {
    return (await this.prepare(draft)).report;
  }

  async publish(draft: PolicyDraft, actor: Actor): Promise<ImpactReport & { published: true; version: number }> {
    const { report, version } = await this.prepare(draft);
    if (draft.expectedCurrentVersion !== undefined && draft.expectedCurrentVersion !== report.currentVersion)
      throw versionMoved(draft.expectedCurrentVersion, report.currentVersion);
    try {
      await this.dataSource.transaction(async (m) => {
        await this.repo.insert(m, { ...version, publishedBy: actor.id });
        await this.repo.insertRevision(m, {
          ...version,
          revision: 1,
          coverage: version.coverage as PolicyCoverage,
          coverageSource: version.coverageSource as string,
          revisedBy: actor.id,
        });
        // Policy 7.b: a major change is announced to every subject, in the publishing transaction.
        if (version.major)
          await this.notifications.enqueueForRole(
            m,
            Role.Subject,
            NotificationKind.PolicyMajorChange,
            { policyVersion: String(version.version), changedClauses: [...version.changes.changed, ...version.changes.removed] },
            { dedupeKey: `policy:${version.version}` },
          );
        await this.audit.record(m, {
          action: 'policy.published',
          actor,
          entityType: 'policy_version',
          entityId: String(version.version),
          data: { version: version.version, major: version.major, sha256: version.sha256, changes: version.changes },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw versionMoved(report.currentVersion, (await this.repo.currentVersionNumber()) ?? 0);
      throw err;
    }
    // Filings in this process pin the new version at once (others find out from their statement's check).
    this.policy.versionInForceChanged();
    return { ...report, published: true, version: version.version };
  }

  private async prepare(draft: PolicyDraft): Promise<{ report: ImpactReport; version: Omit<PolicyVersion, 'publishedAt'> }> {
    const current = await this.policy.current();
    const parsed = this.parseOrRefuse(() => parsePolicyMarkdown(draft.markdown, { operatorName: this.config.env.OPERATOR_NAME }), 'policy text');
    const ids = parsed.clauses.map((c) => c.id);
    const rulesSource = draft.rules ?? current.rulesSource;
    const lawIds = this.law.ids();
    const rules = this.parseOrRefuse(
      () => parsePolicyRules(rulesSource, ids, lawIds),
      draft.rules ? 'rules file' : 'rules carried over from the version in force',
    );
    // Every clause needs a standing; carried over, the coverage must still fit the new text (or the draft brings its own).
    const coverageSource = draft.coverage ?? current.coverageSource;
    if (coverageSource === null)
      throw policyInvalid([{ line: 0, message: 'the version in force has no clause standings to carry over: give a coverage file' }], 'coverage');
    const coverage = this.parseOrRefuse(
      () => parsePolicyCoverage(coverageSource, rules, lawIds),
      draft.coverage ? 'coverage file' : 'coverage carried over from the version in force',
    );
    const glosses = draft.glosses
      ? this.parseOrRefuse(() => parsePolicyGlosses(draft.glosses as string, ids), 'glosses file')
      : Object.fromEntries(Object.entries(current.glosses).filter(([id]) => ids.includes(id)));
    const changes = diffClauses(current, parsed);
    const version = {
      ...this.toVersion(current.version + 1, draft.major, draft.markdown, parsed, rules, rulesSource, glosses, changes),
      coverage,
      coverageSource,
    };
    const citations = await this.repo.citationsOf([...changes.changed, ...changes.removed]);
    return {
      version,
      report: {
        currentVersion: current.version,
        nextVersion: version.version,
        major: draft.major,
        sha256: parsed.sha256,
        changes,
        warnings: parsed.warnings,
        openRequests: citations.filter((c) => c.open),
        pastDecisions: citations.filter((c) => !c.open),
        subjectsToNotify: draft.major,
      },
    };
  }

  private parseOrRefuse<T>(parse: () => T, source: string): T {
    try {
      return parse();
    } catch (err) {
      if (err instanceof PolicyParseError) throw policyInvalid(err.issues, source);
      throw err;
    }
  }

  private toVersion(
    version: number,
    major: boolean,
    markdown: string,
    parsed: ParsedPolicy,
    rules: PolicyRules,
    rulesSource: string,
    glosses: PolicyGlosses,
    changes: ClauseChanges,
  ): Omit<PolicyVersion, 'publishedAt'> {
    return {
      version,
      major,
      title: parsed.title,
      sha256: parsed.sha256,
      clauses: parsed.clauses.map((c) => ({ ...c, ...(glosses[c.id] ? { gloss: glosses[c.id] } : {}) })),
      rules,
      rulesSource,
      coverage: null,
      coverageSource: null,
      rulesRevision: 1,
      glosses,
      warnings: parsed.warnings,
      changes,
      sourceMarkdown: markdown,
    };
  }
}

function diffClauses(current: PolicyVersion, next: ParsedPolicy): ClauseChanges {
  const before = new Map(current.clauses.map((c) => [c.id, c.text]));
  const after = new Map(next.clauses.map((c) => [c.id, c.text]));
  return {
    added: [...after.keys()].filter((id) => !before.has(id)),
    changed: [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)),
    removed: [...before.keys()].filter((id) => !after.has(id)),
  };
}
