import { resolve } from 'node:path';
import { describeGraph, folderCycles, folderGraph } from './folder-graph';

const graph = folderGraph(resolve(__dirname, '../../src'));

describe('the folders of src/', () => {
  it('import one another without a cycle', () => {
    expect(folderCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
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
