import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PolicyCoverage } from './domain/policy-coverage';
import { upgradeStoredRules } from './domain/policy-rules';
import type { PolicyRules } from './domain/policy.types';
import type { ClauseChanges, PolicyVersion } from './policy-version';

export interface Citation {
  source: string;
  entityId: string;
  policyVersion: number;
  clauseId: string;
  open: boolean;
}

/**
 * SQL: the version in force when the statement runs. A write that pins a version without asking
 * first (a filing) makes `= $v` over it the condition of its statement.
 */
export const VERSION_IN_FORCE_SQL = `(SELECT max(version) FROM policy_versions)`;

@Injectable()
export class PolicyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async currentVersionNumber(manager?: EntityManager): Promise<number | null> {
    const [row]: { v: number | null }[] = await (manager ?? this.dataSource.manager).query(`SELECT ${VERSION_IN_FORCE_SQL} AS v`);
    return row?.v ?? null;
  }

  async versionNumbers(): Promise<{ version: number; publishedAt: Date; major: boolean; sha256: string; title: string; changes: ClauseChanges }[]> {
    return this.dataSource.query(`SELECT version, published_at AS "publishedAt", major, sha256, title, changes FROM policy_versions ORDER BY version DESC`);
  }

  async load(version: number): Promise<PolicyVersion | null> {
    const [row]: Omit<PolicyVersion, 'clauses'>[] = await this.dataSource.query(
      `SELECT v.version, v.published_at AS "publishedAt", v.major, v.title, v.sha256,
              coalesce(r.rules, v.rules) AS rules, coalesce(r.rules_source, v.rules_source) AS "rulesSource",
              r.coverage, r.coverage_source AS "coverageSource", coalesce(r.revision, 0) AS "rulesRevision",
              v.glosses, v.warnings, v.changes, v.source_markdown AS "sourceMarkdown"
       FROM policy_versions v
       LEFT JOIN LATERAL (SELECT * FROM policy_rule_revisions x WHERE x.version = v.version ORDER BY x.revision DESC LIMIT 1) r ON true
       WHERE v.version = $1`,
      [version],
    );
    if (!row) return null;
    const v = { ...row, rules: upgradeStoredRules(row.rules) };
    const clauses: Array<{ id: string; heading: string | null; text: string; gloss: string | null; lines: number[] }> = await this.dataSource.query(
      `SELECT clause_id AS id, heading, text, gloss, lines FROM policy_clauses WHERE version = $1 ORDER BY position`,
      [version],
    );
    return {
      ...v,
      clauses: clauses.map((c) => ({
        id: c.id,
        text: c.text,
        lines: c.lines,
        ...(c.heading ? { heading: c.heading } : {}),
        ...(c.gloss ? { gloss: c.gloss } : {}),
      })),
    };
  }

  /** Inserts a version and its clauses; a concurrent publisher of the same number loses on the primary key. */
  async insert(manager: EntityManager, v: Omit<PolicyVersion, 'publishedAt'> & { publishedBy: string | null }): Promise<void> {
    await manager.query(
      `INSERT INTO policy_versions (version, major, title, sha256, source_markdown, rules, rules_source, glosses, warnings, changes, published_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        v.version,
        v.major,
        v.title,
        v.sha256,
        v.sourceMarkdown,
        JSON.stringify(v.rules),
        v.rulesSource,
        JSON.stringify(v.glosses),
        JSON.stringify(v.warnings),
        JSON.stringify(v.changes),
        v.publishedBy,
      ],
    );
    await manager.query(
      `INSERT INTO policy_clauses (version, clause_id, position, heading, text, gloss, lines)
       SELECT $1, c.id, c.position, c.heading, c.text, c.gloss, c.lines
       FROM jsonb_to_recordset($2::jsonb) AS c(id text, position integer, heading text, text text, gloss text, lines integer[])`,
      [
        v.version,
        JSON.stringify(
          v.clauses.map((c, i) => ({ id: c.id, position: i + 1, heading: c.heading ?? null, text: c.text, gloss: c.gloss ?? null, lines: c.lines })),
        ),
      ],
    );
  }

  /**
   * Records a revision of the product's reading of a version: its rules and each clause's standing.
   * Two processes revising at once collide on the primary key; the caller decides what that means.
   */
  async insertRevision(
    manager: EntityManager,
    r: {
      version: number;
      revision: number;
      rules: PolicyRules;
      rulesSource: string;
      coverage: PolicyCoverage;
      coverageSource: string;
      revisedBy: string | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO policy_rule_revisions (version, revision, rules, rules_source, coverage, coverage_source, revised_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.version, r.revision, JSON.stringify(r.rules), r.rulesSource, JSON.stringify(r.coverage), r.coverageSource, r.revisedBy],
    );
  }

  /** Who cites any of these clauses: open requests and past decisions (see the clause_citations view). */
  async citationsOf(clauseIds: string[]): Promise<Citation[]> {
    if (clauseIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT source, entity_id AS "entityId", policy_version AS "policyVersion", clause_id AS "clauseId", open
       FROM clause_citations WHERE clause_id = ANY($1) ORDER BY source, policy_version, entity_id LIMIT 10000`,
      [clauseIds],
    );
  }
}
