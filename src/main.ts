import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigurationError, validateEnvironment } from './config/environment';
import { resolveDatabase } from './database/resolve-database';
import { generateSampleDataAtStart } from './operator-demo/demo-startup';

async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);
  const database = await resolveDatabase(env);
  // Read by the configuration module when the application module loads, just below.
  process.env.DATABASE_URL = database.url;
  if (database.ownerUrl) process.env.DATABASE_OWNER_URL = database.ownerUrl;
  if (database.embedded) say(`Using the embedded PostgreSQL under ${env.DATA_DIR} (port ${env.EMBEDDED_PG_PORT}).`);

  const { AppModule } = await import('./app.module');
  const { configureApp } = await import('./app.setup');
  const { DemoAccounts } = await import('./accounts/demo-accounts');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  configureApp(app);

  if (env.NODE_ENV !== 'production' && env.DEMO_SEED) printDemoLogins(await app.get(DemoAccounts).seedIfEmpty());
  await generateSampleDataAtStart(env, database.ownerUrl ?? database.url, say);
  await app.listen(env.PORT, env.HOST);
  const docs = env.API_DOCS ? ' (API docs at /api/docs)' : '';
  say(`The portal is listening on http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}${docs}.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received; shutting down.`);
    await app.close();
    await database.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Words for the person who started the portal. They go to standard error, apart from the log
 * stream on standard output (JSON lines a collector reads, or pino-pretty's lines on a terminal).
 */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function printDemoLogins(logins: { role: string; email: string; password: string }[]): void {
  if (logins.length === 0) return;
  // Shown once, never in the log stream: they are not stored anywhere in clear. Reset one with
  // `npm run cli -- accounts:reset-password`.
  say('\nDemo accounts (shown only this once):');
  for (const l of logins) say(`  ${l.role.padEnd(8)} ${l.email.padEnd(28)} ${l.password}`);
  say('');
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigurationError) console.error(err.message);
  else console.error('The portal could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
