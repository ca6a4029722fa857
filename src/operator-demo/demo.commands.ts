import type { INestApplicationContext } from '@nestjs/common';
import { Command, InvalidArgumentError } from 'commander';
import { AppConfig } from '../config/app-config';
import { DEFAULT_SAMPLE_SEED, generateSampleData, MAX_LOGS_PER_SUBJECT, MAX_SAMPLE_SEED, SampleDataPresentError, SampleDataSummary } from './demo-generator';
import { OPERATOR_SCHEMA } from './operator-schema';
import { progressReporter } from './progress-reporter';
import { MAX_SAMPLE_USERS } from './sample-identity';

type WithApp = <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;

interface GenerateOptions {
  subjects: number;
  logsPerSubject: number;
  seed: number;
  reset?: boolean;
  force?: boolean;
}

/** A commander parser for a whole number from `min` to `max`, written in plain digits. */
export function wholeNumberIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** `demo:generate --subjects N --logs-per-subject M [--reset] [--seed S] [--force]` */
export function registerDemoCommands(program: Command, withApp: WithApp): void {
  program
    .command('demo:generate')
    .description(`Fill the sample operator database (schema ${OPERATOR_SCHEMA}) with sample users and their rows; refused in production`)
    .requiredOption(
      '--subjects <n>',
      `sample users, 1 to ${MAX_SAMPLE_USERS}; user n is user<n>@demo.example, +86139 and n in 8 digits`,
      wholeNumberIn(1, MAX_SAMPLE_USERS),
    )
    .requiredOption('--logs-per-subject <m>', `access-log rows per user, 0 to ${MAX_LOGS_PER_SUBJECT}`, wholeNumberIn(0, MAX_LOGS_PER_SUBJECT))
    .option('--seed <s>', 'one seed, the same data on every run', wholeNumberIn(0, MAX_SAMPLE_SEED), DEFAULT_SAMPLE_SEED)
    .option('--reset', `empty ${OPERATOR_SCHEMA} first; without it, a schema that holds users is refused`)
    .option('--force', 'run even with NODE_ENV=production (a demonstration database)')
    .action(async (o: GenerateOptions) => {
      // Read before anything starts: sample people have no place in a production database.
      if (process.env.NODE_ENV === 'production' && !o.force) {
        process.stderr.write('Refused: NODE_ENV is production. Sample data is for demonstrations; add --force if this database is one.\n');
        process.exitCode = 1;
        return;
      }
      const progress = progressReporter(process.stderr, 'demo:generate');
      let summary: SampleDataSummary | null;
      try {
        summary = await withApp((app) => {
          // As the role that owns the schema: emptying it takes TRUNCATE, which the portal's role has not.
          const { DATABASE_OWNER_URL, DATABASE_URL } = app.get(AppConfig).env;
          return generateSampleData((DATABASE_OWNER_URL ?? DATABASE_URL) as string, {
            subjects: o.subjects,
            logsPerSubject: o.logsPerSubject,
            seed: o.seed,
            reset: o.reset === true,
            onProgress: (p) => progress.update(p),
          });
        });
      } catch (err) {
        if (!(err instanceof SampleDataPresentError)) throw err;
        process.stderr.write(`Refused: ${err.message}.\n`);
        process.exitCode = 2;
        return;
      } finally {
        progress.stop();
      }
      if (summary) process.stdout.write(`${describeSummary(summary)}\n`);
    });
}

function describeSummary({ seed, counts: c, ms }: SampleDataSummary): string {
  return (
    `Generated in ${OPERATOR_SCHEMA} (seed ${seed}, ${(ms / 1000).toFixed(1)} s): ${c.users} users, ${c.accessLogs} access-log rows, ` +
    `${c.faceProfiles} face profiles, ${c.transactions} transactions, ${c.publishedContent} published items, ` +
    `${c.searchHistory} searches, ${c.violations} violations.`
  );
}
