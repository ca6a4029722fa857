// `npm run bench -- <name> [options]` runs bench/<name>.ts, whose `run(args)` prints its figures.
import 'reflect-metadata';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Bench {
  run(args: string[]): Promise<void>;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.replace(/\.ts$/, ''));
  if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(__dirname, `${name}.ts`))) {
    console.error(`Usage: npm run bench -- <name> [options]; available: ${available.join(', ')}`);
    process.exit(1);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the benchmark is chosen by name at run time
  const bench = require(join(__dirname, name)) as Bench;
  await bench.run(args);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
