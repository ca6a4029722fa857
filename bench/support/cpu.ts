import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ; 100 on every mainstream kernel). */
const USER_HZ = 100;

/**
 * CPU time (user + system, milliseconds) used so far by the PostgreSQL backends serving `database`
 * on this machine, read from /proc: the query work of the portal's connections, without the
 * server's background processes. Null where /proc is not there or no backend is found (a server
 * on another machine): the figures then leave it out.
 */
export function postgresBackendsCpuMs(database: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  let ticks = 0;
  let found = 0;
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.startsWith('postgres: ') || !cmdline.includes(` ${database} `)) continue;
      // The command name may hold spaces; the fields after its closing parenthesis do not.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found += 1;
    } catch {
      // The process ended while being read.
    }
  }
  return found > 0 ? (ticks * 1000) / USER_HZ : null;
}
