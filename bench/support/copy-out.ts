import { Client, PoolClient } from 'pg';
import { copyOut as copyRows } from '../../src/database/copy-out';

/**
 * `COPY (…) TO STDOUT` read the cheapest way `pg` allows: a simple-protocol query whose CopyData
 * messages (one row each, in text format) are counted and dropped as the driver reads them (the
 * portal's own CopyOutQuery, src/database/copy-out.ts), so that nothing is kept whatever the number
 * of rows. Resolves with the bytes and lines received.
 */
export async function copyOut(client: Client, copySql: string): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  await copyRows(client as PoolClient, copySql, (row) => {
    bytes += row.length;
    lines += 1;
  });
  return { bytes, lines };
}
