import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The folders of `src/` and which of them each one imports: read from the `import … from '…'`
 * and `import('…')` lines of its TypeScript files (relative paths only; packages are not folders
 * of ours). Files directly under `src/` (main.ts, app.module.ts, cli.ts …) are the composition
 * root, `(root)`, which may import anything and which nothing imports.
 */
export type FolderGraph = Map<string, Set<string>>;

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g;

export function folderGraph(srcDir: string): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of typeScriptFiles(srcDir)) {
    const from = folderOf(srcDir, file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(srcDir + sep)) continue;
      const to = folderOf(srcDir, target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/**
 * Imports that pass a folder's door: a folder with an `index.ts` is entered by that file alone, so
 * another folder's `import … from '../requests/requests.repository'` is a violation (tests and
 * benchmarks are not folders of src/ and may reach in). Each as `importing file → imported path`.
 */
export function doorViolations(srcDir: string): string[] {
  const doors = new Set(
    readdirSync(srcDir).filter((name) => statSync(join(srcDir, name)).isDirectory() && readdirSync(join(srcDir, name)).includes('index.ts')),
  );
  const violations: string[] = [];
  for (const file of typeScriptFiles(srcDir)) {
    const from = folderOf(srcDir, file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const to = folderOf(srcDir, target);
      if (to === from || !doors.has(to) || target === join(srcDir, to) || target === join(srcDir, to, 'index')) continue;
      violations.push(`${relative(srcDir, file)} → ${relative(srcDir, target)}`);
    }
  }
  return violations;
}

/** Every cycle among the folders, each as the path that closes it (`a → b → a`). */
export function folderCycles(graph: FolderGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

export function describeGraph(graph: FolderGraph): string {
  return [...graph.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([folder, deps]) => `${folder.padEnd(14)} → ${[...deps].sort().join(', ') || '(nothing)'}`)
    .join('\n');
}

/** The folder of src/ a file (or a folder, imported through its index) belongs to. */
function folderOf(srcDir: string, path: string): string {
  const [first, ...rest] = relative(srcDir, path).split(sep);
  if (rest.length > 0) return first;
  return existsSync(path) && statSync(path).isDirectory() ? first : '(root)';
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

if (require.main === module) {
  const graph = folderGraph(resolve(__dirname, '../../src'));
  process.stdout.write(`${describeGraph(graph)}\n`);
  const cycles = folderCycles(graph);
  for (const cycle of cycles) process.stdout.write(`cycle: ${cycle.join(' → ')}\n`);
  const bypassed = doorViolations(resolve(__dirname, '../../src'));
  for (const violation of bypassed) process.stdout.write(`past the door: ${violation}\n`);
  process.exitCode = cycles.length > 0 || bypassed.length > 0 ? 1 : 0;
}
