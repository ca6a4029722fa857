import { Client } from 'pg';

/** What the watcher saw: the longest-held lock and how many transactions held one. */
export interface LockWatch {
  /** longest time (ms) any one transaction was seen holding the lock, from its start to the last sighting */
  longestMs: number;
  /** distinct transactions seen holding it */
  transactions: number;
  polls: number;
  /** mean time between two polls (ms): the sighting's resolution */
  meanIntervalMs: number;
}

/**
 * Watches, from a connection of its own, which transactions hold `mode` on `relation`: every
 * `everyMs` it asks pg_locks (joined with pg_stat_activity) for each holder's transaction start and
 * how long ago that was, by the server's clock. A statement in autocommit is its own transaction,
 * so this is how long each statement held the table's lock (and the row locks it took, which are
 * released at the same commit). A holder is seen at most `everyMs` (plus one poll) before it
 * commits: the longest figure is low by at most that.
 */
export async function watchLocks(url: string, relation: string, mode = 'RowExclusiveLock', everyMs = 10): Promise<{ stop(): Promise<LockWatch> }> {
  const client = new Client({ connectionString: url, application_name: 'dsr-bench-lock-watch' });
  await client.connect();
  const [{ oid }] = (await client.query<{ oid: number }>(`SELECT $1::regclass::oid AS oid`, [relation])).rows;
  const held = new Map<string, number>();
  let polls = 0;
  let running = true;
  const started = performance.now();
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ key: string; ms: number }>(
        `SELECT a.pid || '/' || a.xact_start AS key, extract(epoch FROM clock_timestamp() - a.xact_start) * 1000 AS ms
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.relation = $1 AND l.mode = $2 AND l.granted AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL`,
        [oid, mode],
      );
      polls += 1;
      for (const r of rows) held.set(r.key, Math.max(held.get(r.key) ?? 0, Number(r.ms)));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const elapsed = performance.now() - started;
      await client.end();
      return { longestMs: Math.max(0, ...held.values()), transactions: held.size, polls, meanIntervalMs: elapsed / Math.max(1, polls) };
    },
  };
}
