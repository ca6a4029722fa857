import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { subjectNotFound } from './consents.errors';
import { ConsentSource, ConsentState, RecordedConsentState } from './consent.types';

export interface CurrentConsent {
  purpose: string;
  state: RecordedConsentState;
  policyVersion: number;
  clauseId: string;
  changedAt: Date;
}

export interface NewConsentEvent {
  userId: string;
  purpose: string;
  state: RecordedConsentState;
  policyVersion: number;
  clauseId: string;
  source: ConsentSource;
  requestId: string | null;
}

export interface RecordedConsentEvent {
  eventId: string;
  at: Date;
  subjectRef: string;
  previousState: ConsentState;
}

@Injectable()
export class ConsentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every purpose this subject has a recorded state for. */
  currentStates(userId: string, manager?: EntityManager): Promise<CurrentConsent[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT purpose, state, policy_version AS "policyVersion", clause_id AS "clauseId", changed_at AS "changedAt"
       FROM consents WHERE user_id = $1 ORDER BY purpose`,
      [userId],
    );
  }

  async grantedPurposes(userId: string, manager?: EntityManager): Promise<string[]> {
    const rows: { purpose: string }[] = await (manager ?? this.dataSource.manager).query(
      `SELECT purpose FROM consents WHERE user_id = $1 AND state = 'granted' ORDER BY purpose`,
      [userId],
    );
    return rows.map((r) => r.purpose);
  }

  /**
   * Moves the current state and appends the event, in the caller's transaction. The current-state
   * row is created or locked first and only then is the time taken, so that concurrent changes to
   * one purpose serialise: each reports the state it really replaced, and the newest event is
   * always the one the current state points to (`fk_consents_last_event` is checked at commit).
   */
  async record(manager: EntityManager, e: NewConsentEvent): Promise<RecordedConsentEvent> {
    // The pseudonymous reference is taken from the account itself, never from a caller's copy.
    const [account]: { subjectRef: string }[] = await manager.query(`SELECT subject_ref AS "subjectRef" FROM users WHERE id = $1`, [e.userId]);
    if (!account) throw subjectNotFound();
    const eventId = randomUUID();
    const values = [e.userId, e.purpose, e.state, e.policyVersion, e.clauseId, eventId];

    let previousState: ConsentState = ConsentState.Never;
    let [row]: { at: Date }[] = await manager.query(
      `INSERT INTO consents (user_id, purpose, state, policy_version, clause_id, last_event_id, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
       ON CONFLICT (user_id, purpose) DO NOTHING
       RETURNING changed_at AS at`,
      values,
    );
    if (!row) {
      const [previous]: { state: RecordedConsentState }[] = await manager.query(`SELECT state FROM consents WHERE user_id = $1 AND purpose = $2 FOR UPDATE`, [
        e.userId,
        e.purpose,
      ]);
      previousState = previous.state;
      [[row]] = await manager.query(
        `UPDATE consents SET state = $3, policy_version = $4, clause_id = $5, last_event_id = $6, changed_at = clock_timestamp()
         WHERE user_id = $1 AND purpose = $2
         RETURNING changed_at AS at`,
        values,
      );
    }
    await manager.query(
      `INSERT INTO consent_events (id, user_id, subject_ref, purpose, state, policy_version, clause_id, source, request_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [eventId, e.userId, account.subjectRef, e.purpose, e.state, e.policyVersion, e.clauseId, e.source, e.requestId, row.at],
    );
    return { eventId, at: row.at, subjectRef: account.subjectRef, previousState };
  }
}
