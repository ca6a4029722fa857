import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain for sealing and verifying at speed.
 *
 * Drops the foreign key from `audit_chain.event_id` to `audit_events`. It protected nothing the
 * trail does not already protect: the append-only triggers refuse deleting an event (and whoever
 * can switch them off can drop the key too), the sealer only links events it has just read from
 * `audit_events` in its own transaction, and `verify` names a link whose event is gone ("event
 * missing"). Yet it took most of sealing's server time: per link, a lookup by a random uuid in
 * `audit_events` and a row lock written into the event's page.
 *
 * Indexes the chain by its links' place in sealing order, (tx_id, n), as ix_audit_events_order
 * indexes the events: `verify` reads both in that order and merges them (see
 * AuditRepository.chainReader), with no sort and no lookup per link.
 */
export class AuditChainSealingOrder1764670000000 implements MigrationInterface {
  name = 'AuditChainSealingOrder1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_chain DROP CONSTRAINT fk_audit_chain_event`);
    await q.query(`CREATE INDEX ix_audit_chain_order ON audit_chain (tx_id, n)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_audit_chain_order`);
    await q.query(`ALTER TABLE audit_chain ADD CONSTRAINT fk_audit_chain_event FOREIGN KEY (event_id) REFERENCES audit_events(id)`);
  }
}
