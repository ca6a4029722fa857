import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a TypeScript entry point of the project (src/cli.ts, src/main.ts) as its own process, as an
 * operator would, with only PATH, HOME and the given variables in its environment, and `input` on
 * its standard input.
 */
export function runTs(entry: string, args: string[], env: Record<string, string>, input?: string): Promise<ProcessRun> {
  const started = Date.now();
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', entry, ...args],
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
