import { AuditService } from '../../src/audit/audit.service';
import type { TestApp } from './test-app';

/**
 * Seals until every committed event is in the chain. Transaction ids are server-wide, so a
 * transaction still running in another test file's database can hold sealing back a moment.
 */
export async function sealAll(t: TestApp): Promise<void> {
  const audit = t.app.get(AuditService);
  const deadline = Date.now() + 30_000;
  for (;;) {
    await audit.seal({ wait: true });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
    );
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} events still unsealed after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
