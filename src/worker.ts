import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigurationError, validateEnvironment } from './config/environment';
import { resolveDatabase } from './database/resolve-database';

/**
 * The background worker (`npm run worker`): the same modules as the portal, no HTTP. It works every
 * registered job queue (scheduled scans, notice delivery, fulfilment) whatever WORKER_MODE says,
 * so that a portal started with WORKER_MODE=off only enqueues. Run as many as you like.
 */
async function bootstrap(): Promise<void> {
  const env = validateEnvironment(process.env);
  const database = await resolveDatabase(env);
  // Read by the configuration module when the application module loads, just below.
  process.env.DATABASE_URL = database.url;
  if (database.ownerUrl) process.env.DATABASE_OWNER_URL = database.ownerUrl;
  process.env.WORKER_MODE = 'inline';
  if (database.embedded) console.log(`Using the embedded PostgreSQL under ${env.DATA_DIR} (port ${env.EMBEDDED_PG_PORT}).`);

  const { AppModule } = await import('./app.module');
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  console.log('The worker is running; it stops on SIGTERM or SIGINT.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received; finishing running jobs, then stopping.`);
    try {
      await app.close();
      await database.release();
      process.exit(0);
    } catch (err) {
      console.error('The worker did not stop cleanly:', err instanceof Error ? err.message : err);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigurationError) console.error(err.message);
  else console.error('The worker could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
