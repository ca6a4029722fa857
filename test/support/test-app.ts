import { Global, INestApplication, Module, Provider, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service';
import { Role } from '../../src/kernel/role';
import { SYSTEM_ACTOR } from '../../src/kernel/actor';
import { urlAs } from '../../src/database/database-roles';
import { databaseUrl, TEST_ENV, withAdminClient } from '../setup/test-cluster';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  subjectRef: string;
  token: string;
}

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  dataSource: DataSource;
  /** The portal's role's URL (it owns nothing), unless the test gave its own DATABASE_URL. */
  databaseUrl: string;
  /**
   * Runs `work` in a transaction as the role that owns the tables, for what the portal's role may
   * not do (switching a trigger off to tamper with the trail, say).
   */
  /** DATABASE_URL and DATABASE_OWNER_URL as this app has them, for a child process on the same database. */
  databaseEnv: Record<string, string>;
  asOwner<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** A connection pool as the owner (closed with the app), for running a migration's down() and up(). */
  owner(): Promise<DataSource>;
  /** A fresh account of this role, signed in (its bearer token in `token`). */
  /**
   * A fresh account of this role, signed in. A subject is linked to an app account (identity_links),
   * as requests that copy, change or erase data need: to `appUser` (an id of operator_app.users)
   * when given, else to a made-up one; `linked: false` leaves it unlinked.
   */
  user(
    role?: Role,
    overrides?: { email?: string; password?: string; displayName?: string; phone?: string; linked?: boolean; appUser?: string },
  ): Promise<TestUser>;
  login(email: string, password: string): Promise<string>;
  /**
   * Row counts of every table: take one before a refused call and compare after. The audit chain
   * is left out (the sealer links already-committed events into it in the background), and so are
   * the rate-limit counters (every call counts, refused or not).
   */
  tableCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

let counter = 0;

/** A copy of the migrated template database, for this test file alone. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = required(TEST_ENV.adminUrl);
  const name = `dsr_t_${required(TEST_ENV.runId)}_${process.pid}_${++counter}_${randomBytes(2).toString('hex')}`;
  await withAdminClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${required(TEST_ENV.template)}"`));
  return databaseUrl(adminUrl, name);
}

/** The URL of `ownerUrl`'s database as the role the portal connects as in the tests (it owns nothing). */
export function portalRoleUrl(ownerUrl: string): string {
  return urlAs(ownerUrl, required(TEST_ENV.portalRole), required(TEST_ENV.portalPassword));
}

export interface TestAppOptions {
  /**
   * Values for the app's optional injections (JOBS_CADENCE, say), from a global module booted
   * beside AppModule: the app's own modules are used unchanged.
   */
  provide?: Provider[];
}

/**
 * Boots the real AppModule, configured exactly as main.ts does, on this file's own database.
 * Settings are read when the application module is first loaded, so one test file boots one app;
 * a test that needs other settings lives in a file of its own and passes them here. A DATABASE_URL
 * among them is used as it is (a server the test controls) instead of a copy of the template.
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  // As in production: the owner migrates and grants, the portal connects as a role that owns nothing.
  const ownerUrl = env.DATABASE_OWNER_URL ?? env.DATABASE_URL ?? (await createTestDatabase());
  const url = env.DATABASE_URL ?? portalRoleUrl(ownerUrl);
  // Its own data directory (the generated development secret), removed on close unless the test gave one.
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'dsr-test-data-'));
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ...(url !== ownerUrl && { DATABASE_OWNER_URL: ownerUrl }),
    APP_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT: '10000',
    ACCOUNT_WRITE_RATE_LIMIT: '10000',
    AUDIT_SEAL_INTERVAL_MS: '200',
    WORKER_MODE: 'off',
    ...env,
  });
  const { AppModule } = await import('../../src/app.module');
  const { configureApp } = await import('../../src/app.setup');
  const root = options.provide?.length ? withProviders(AppModule, options.provide) : AppModule;
  const app = await NestFactory.create<NestExpressApplication>(root, { bodyParser: false, bufferLogs: true, abortOnError: false });
  configureApp(app);
  await app.init();
  const dataSource = app.get(DataSource);
  const http = request(app.getHttpServer());

  const login = async (email: string, password: string): Promise<string> => {
    const res = await http.post('/api/v1/auth/login').send({ email, password });
    if (res.status !== 200 || !res.body.accessToken) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  };

  let owner: Promise<DataSource> | undefined;
  const ownerDataSource = () => (owner ??= new DataSource({ type: 'postgres', url: ownerUrl, extra: { max: 2 } }).initialize());

  return {
    app,
    http,
    dataSource,
    databaseUrl: url,
    databaseEnv: { DATABASE_URL: url, ...(url !== ownerUrl && { DATABASE_OWNER_URL: ownerUrl }) },
    asOwner: async (work) => (await ownerDataSource()).transaction(work),
    owner: ownerDataSource,
    login,
    async user(role = Role.Subject, overrides = {}) {
      const { linked = true, appUser, ...account } = overrides;
      const email = account.email ?? `${role}.${randomBytes(5).toString('hex')}@example.com`;
      const password = account.password ?? `pw-${randomBytes(8).toString('hex')}`;
      const created = await app.get(AccountsService).create({ ...account, email, password, role }, SYSTEM_ACTOR);
      if (role === Role.Subject && linked) {
        await dataSource.query(`INSERT INTO identity_links (subject_id, app_user_ref, channel) VALUES ($1, $2, 'email')`, [
          created.id,
          appUser ?? `test-${randomBytes(8).toString('hex')}`,
        ]);
      }
      return { id: created.id, email, password, role, subjectRef: created.subjectRef, token: await login(email, password) };
    },
    async tableCounts() {
      // As the owner: the portal's role may not read every table (the migrations' record, say).
      const owned = await ownerDataSource();
      const tables: { tablename: string }[] = await owned.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_chain', 'throttle_counters') ORDER BY tablename`,
      );
      const counts: Record<string, number> = {};
      for (const { tablename } of tables) {
        const [{ n }] = await owned.query(`SELECT count(*)::int AS n FROM "${tablename}"`);
        counts[tablename] = n;
      }
      return counts;
    },
    async close() {
      await app.close();
      if (owner) await (await owner).destroy();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A root module importing `appModule` and a global module that provides and exports `providers`. */
function withProviders(appModule: Type, providers: Provider[]): Type {
  @Global()
  @Module({ providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) })
  class TestProviders {}

  @Module({ imports: [appModule, TestProviders] })
  class TestRoot {}

  return TestRoot;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest (npm test), whose global set-up prepares the database`);
  return v;
}
