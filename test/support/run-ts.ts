import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForBuild } from '../setup/build-entry-points';
import { TEST_ENV } from '../setup/test-cluster';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The compiled form of an entry point of the project (`src/cli.ts` → `<build>/src/cli.js`), from
 * the build the global set-up makes of src/ for this run (test/setup/build-entry-points.ts); the
 * first call waits for that build if it is still running.
 */
export async function builtEntry(entry: string): Promise<string> {
  const buildDir = process.env[TEST_ENV.buildDir];
  if (!buildDir) throw new Error(`${TEST_ENV.buildDir} is not set: run the tests through jest (npm test), whose global set-up builds the entry points`);
  if (!/^src\/[\w/-]+\.ts$/.test(entry)) throw new Error(`not an entry point under src/: ${entry}`);
  await waitForBuild(buildDir);
  const compiled = join(buildDir, entry.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) throw new Error(`${entry} was not built: ${compiled} is missing`);
  return compiled;
}

/**
 * Runs an entry point of the project (src/cli.ts, src/main.ts) as its own process, as an operator
 * would run the built code (`node dist/src/cli.js …` from the checkout), with only PATH, HOME and the
 * given variables in its environment, and `input` on its standard input.
 */
export async function runEntry(entry: string, args: string[], env: Record<string, string>, input?: string): Promise<ProcessRun> {
  const script = await builtEntry(entry);
  const started = Date.now();
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [script, ...args],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
    // What the process reads on standard input; without `input`, an empty one (end of file at once).
    child.stdin?.end(input);
  });
}
