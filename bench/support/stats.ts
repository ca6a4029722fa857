import { cpus, totalmem } from 'node:os';

/** The p-th percentile (nearest rank) of a sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');
export const seconds = (msValue: number): string => (msValue / 1000).toFixed(1);

export function describeMachine(): string {
  return `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}
