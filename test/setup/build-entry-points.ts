import { ChildProcess, execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
/** Where tsconfig.json puts compiled output (`outDir`), and nest-cli.json's asset paths start. */
const DIST = 'dist';
/** Written into the build directory when it is complete, or when it failed (holding the reason). */
const BUILT = '.built';
const FAILED = '.build-failed';
/** Under a loaded machine tsc takes a while; a test that needs the build waits this long at most. */
const WAIT_MS = 180_000;

interface NestAsset {
  include: string;
  outDir?: string;
}

export interface EntryPointsBuild {
  /** The build directory, known at once; complete when `.built` appears in it. */
  dir: string;
  /** Ends the compiler if it still runs, and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Compiles src/ and migrations/ once for the whole run, as the production build does
 * (tsconfig.build.json, the assets of nest-cli.json copied beside the code), into a directory of
 * its own that links the project's node_modules. Tests that run an entry point (the operator
 * command line, main.ts) as its own process then pay a plain `node` start per call.
 *
 * It runs in the background, beside the database start and the first tests: a test that needs it
 * waits for it (waitForBuild). Type errors do not stop it (tsc still writes every file, as
 * ts-node's transpile-only mode did): `npm run typecheck` and ts-jest report them.
 */
export function startEntryPointsBuild(): EntryPointsBuild {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-test-build-'));
  let child: ChildProcess | undefined;
  const finished = new Promise<void>((done) => {
    child = execFile(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          // 0: built; 2: built, with type errors; anything else (or a signal): nothing usable.
          const code = error ? error.code : 0;
          if ((code !== 0 && code !== 2) || !existsSync(join(dir, 'src', 'cli.js'))) {
            throw new Error(`tsc -p tsconfig.build.json ended with ${String(code ?? error?.signal)}:\n${stdout}${stderr}`);
          }
          copyAssets(dir);
          symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
          writeFileSync(join(dir, BUILT), '');
        } catch (err) {
          writeFileSync(join(dir, FAILED), err instanceof Error ? err.message : String(err));
        }
        done();
      },
    );
  });
  return {
    dir,
    async stop() {
      if (child?.exitCode === null && child.signalCode === null) child.kill();
      await finished;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the build in `dir` is complete; throws why it failed. */
export async function waitForBuild(dir: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(join(dir, BUILT))) return;
    if (existsSync(join(dir, FAILED))) throw new Error(`The entry points could not be built: ${readFileSync(join(dir, FAILED), 'utf8')}`);
    if (!existsSync(dir)) throw new Error(`The build directory ${dir} is gone: the run is over`);
    if (Date.now() > deadline) throw new Error(`The entry points were not built within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** nest-cli.json's `assets`: files under sourceRoot copied beside the compiled code. */
function copyAssets(dir: string): void {
  const nest = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
    sourceRoot?: string;
    compilerOptions?: { assets?: Array<string | NestAsset> };
  };
  const sourceRoot = nest.sourceRoot ?? 'src';
  for (const entry of nest.compilerOptions?.assets ?? []) {
    const asset = typeof entry === 'string' ? { include: entry } : entry;
    // Only `folder/**/*` (the whole tree) and `folder/*.ext` (that folder's files of one extension,
    // e.g. a catalogue beside its code) are understood here: anything else fails the build instead
    // of being skipped.
    const tree = /^([^*?{}[\]]+)\/\*\*\/\*$/.exec(asset.include);
    const files = /^([^*?{}[\]]+)\/\*(\.[A-Za-z0-9]+)$/.exec(asset.include);
    if (!tree && !files) throw new Error(`nest-cli.json asset "${asset.include}": only "folder/**/*" and "folder/*.ext" patterns are copied for the tests`);
    const folder = (tree ?? files)![1];
    const target = join(dir, relative(DIST, asset.outDir ?? DIST), folder);
    if (tree) cpSync(join(ROOT, sourceRoot, folder), target, { recursive: true });
    else
      for (const file of readdirSync(join(ROOT, sourceRoot, folder), { withFileTypes: true }))
        if (file.isFile() && file.name.endsWith(files![2])) cpSync(join(ROOT, sourceRoot, folder, file.name), join(target, file.name));
  }
}
