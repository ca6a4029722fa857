import { readdirSync, readFileSync, statSync } from 'node:fs';
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

function folderOf(srcDir: string, path: string): string {
  const [first, ...rest] = relative(srcDir, path).split(sep);
  return rest.length === 0 ? '(root)' : first;
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
  process.exitCode = cycles.length > 0 ? 1 : 0;
}
