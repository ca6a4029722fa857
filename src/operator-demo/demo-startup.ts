import type { Environment } from '../config/environment';
import { generateSampleData, SampleDataSummary } from './demo-generator';
import { OPERATOR_SCHEMA } from './operator-schema';
import { Client } from 'pg';
import { DEMO_SUBJECT_SAMPLE_USER, sampleEmail } from './sample-identity';

/** The demo subject account the first start makes (src/accounts/demo-accounts.ts). */
const DEMO_SUBJECT_EMAIL = 'demo.subject@example.com';

/**
 * Links the demo subject to sample user 1, as if it had confirmed a code sent to that user's
 * e-mail, so that someone trying the portal sees requests do real work at once. Nothing happens
 * when either is missing or a link exists. Answers whether it linked.
 */
export async function linkDemoSubject(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, application_name: 'dsr-portal-setup' });
  await client.connect();
  try {
    const result = await client.query(
      `INSERT INTO identity_links (subject_id, app_user_ref, channel)
       SELECT a.id, s.id::text, 'email' FROM users a JOIN ${OPERATOR_SCHEMA}.users s ON s.email = $2
       WHERE a.email = $1
       ON CONFLICT DO NOTHING`,
      [DEMO_SUBJECT_EMAIL, sampleEmail(DEMO_SUBJECT_SAMPLE_USER)],
    );
    return (result.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/** What a fresh machine gets: small enough to add well under a second to the first start. */
export const START_UP_SAMPLE = { subjects: 50, logsPerSubject: 200, seed: 1 } as const;

export interface StartUpSampleOptions {
  /**
   * Generate under NODE_ENV=test too. Tests start the portal often and most want an empty
   * operator schema and a fast start, so a test has to ask.
   */
  inTest?: boolean;
}

/** Whether this start may fill an empty operator schema: outside production, with DEMO_SEED on, and not under test unless asked. */
export function wantsStartUpSample(env: Pick<Environment, 'NODE_ENV' | 'DEMO_SEED'>, options: StartUpSampleOptions = {}): boolean {
  if (env.NODE_ENV === 'production' || !env.DEMO_SEED) return false;
  return env.NODE_ENV !== 'test' || options.inTest === true;
}

/**
 * At start (main.ts), beside the demo accounts: when the operator's sample schema has no user yet,
 * fills it with START_UP_SAMPLE, so that fulfilment finds data on a fresh machine, and says so in
 * one line (counts only, no personal data). `url` connects as the role that owns the schema.
 * Returns what was generated, or null when nothing was (not wanted here, or users already there).
 */
export async function generateSampleDataAtStart(
  env: Pick<Environment, 'NODE_ENV' | 'DEMO_SEED'>,
  url: string,
  say: (line: string) => void,
  options: StartUpSampleOptions = {},
): Promise<SampleDataSummary | null> {
  if (!wantsStartUpSample(env, options)) return null;
  const summary = await generateSampleData(url, { ...START_UP_SAMPLE, onlyIfEmpty: true });
  if (summary) {
    if (await linkDemoSubject(url))
      say(`The demo subject (${DEMO_SUBJECT_EMAIL}) is linked to sample user ${DEMO_SUBJECT_SAMPLE_USER} (${sampleEmail(DEMO_SUBJECT_SAMPLE_USER)}).`);
    const { users, accessLogs } = summary.counts;
    say(
      `Filled the sample operator database (schema ${OPERATOR_SCHEMA}) with ${users} users and ${accessLogs} access-log rows in ${(summary.ms / 1000).toFixed(1)} s; more with \`npm run cli -- demo:generate\`.`,
    );
  }
  return summary;
}
