import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeGraph, doorViolations, folderCycles, folderGraph } from './folder-graph';

const graph = folderGraph(resolve(__dirname, '../../src'));

describe('the folders of src/', () => {
  it('import one another without a cycle', () => {
    expect(folderCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('enter a folder that has a door (index.ts) through it alone', () => {
    expect(doorViolations(resolve(__dirname, '../../src'))).toEqual([]);
  });

  it('find an import that passes a door', () => {
    const src = mkdtempSync(join(tmpdir(), 'folder-graph-'));
    try {
      mkdirSync(join(src, 'a'));
      mkdirSync(join(src, 'b'));
      writeFileSync(join(src, 'a', 'index.ts'), "export { x } from './x';\n");
      writeFileSync(join(src, 'a', 'x.ts'), 'export const x = 1;\n');
      writeFileSync(join(src, 'b', 'through.ts'), "import { x } from '../a';\nexport const y = x;\n");
      writeFileSync(join(src, 'b', 'past.ts'), "import { x } from '../a/x';\nexport const z = x;\n");
      expect(doorViolations(src)).toEqual(['b/past.ts → a/x']);
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });

  it('keep the kernel free of every other folder', () => {
    expect([...(graph.get('kernel') ?? [])]).toEqual([]);
  });

  it('keep common/ and config/ below every capability', () => {
    const low = new Set(['kernel', 'common', 'config']);
    expect([...(graph.get('common') ?? [])].filter((d) => !low.has(d))).toEqual([]);
    expect([...(graph.get('config') ?? [])].filter((d) => !low.has(d))).toEqual([]);
  });

  it('are read from the import lines (a cycle is found when there is one)', () => {
    const looped = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(folderCycles(looped)).toEqual([['a', 'b', 'c', 'a']]);
    expect(describeGraph(graph)).toMatch(/^requests +→ .*policy/m);
  });
});
