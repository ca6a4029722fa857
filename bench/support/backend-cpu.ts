import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ; 100 on every mainstream kernel). */
const USER_HZ = 100;

/**
 * CPU time (user + system, milliseconds) used so far by each PostgreSQL backend serving `database`
 * on this machine, by process id, read from /proc; null where /proc is not there. Unlike the sum
 * that `postgresBackendsCpuMs` gives, a difference of two readings can leave out the backends that
 * ended in between (a pool closing idle connections), whose time would otherwise go missing.
 */
export function postgresBackendsCpuByPid(database: string): Map<number, number> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.startsWith('postgres: ') || !cmdline.includes(` ${database} `)) continue;
      // The command name may hold spaces; the fields after its closing parenthesis do not.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      byPid.set(Number(pid), ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ);
    } catch {
      // The process ended while being read.
    }
  }
  return byPid;
}

/** CPU milliseconds the backends alive at `to` used since `from` (all of it for those started since). */
export function backendsCpuSince(from: Map<number, number> | null, to: Map<number, number> | null): number | null {
  if (!from || !to) return null;
  let ms = 0;
  for (const [pid, now] of to) ms += now - (from.get(pid) ?? 0);
  return ms;
}
