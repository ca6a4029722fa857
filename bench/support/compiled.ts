import { ChildProcess, fork, ForkOptions } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
/** Inside node_modules: ignored by git and the linters, and the compiled files find the packages as the sources do. */
const OUT = join(ROOT, 'node_modules', '.cache', 'dsr-bench-build');
const FOLDERS = ['src', 'migrations', 'bench/support'];

let built = false;

/**
 * The portal's code as production runs it (`npm run worker`: compiled JavaScript, no compiler in
 * the process), for a bench process that measures it. Each TypeScript file of src, migrations and
 * bench/support is emitted on its own with the project's compiler options (what `ts-node
 * --transpile-only` does file by file as it loads them, done beforehand), and src's other files
 * (YAML, views, styles) are copied beside them. Under ts-node the process also held the TypeScript
 * compiler and every file's source map: about 30 MiB more heap, which every full collection walks.
 */
function build(): void {
  if (built) return;
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
  rmSync(OUT, { recursive: true, force: true });
  for (const folder of FOLDERS) {
    for (const file of filesUnder(join(ROOT, folder))) {
      const target = join(OUT, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) {
        copyFileSync(file, target);
      } else if (!file.endsWith('.spec.ts') && !file.endsWith('.d.ts')) {
        const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
        writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
      }
    }
  }
  built = true;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

/** Forks `file` (a .ts path under bench/support) as compiled JavaScript, with no compiler loaded. */
export function forkCompiled(file: string, args: string[], options: ForkOptions): ChildProcess {
  build();
  return fork(join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js'), args, options);
}
