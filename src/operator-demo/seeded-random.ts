/**
 * Deterministic pseudo-random numbers for the sample operator data: the same seed gives the same
 * data on every machine and every run, which `Math.random` cannot promise. Not for anything secret.
 *
 * Each sample user draws from a stream of its own (`SeededRandom.stream(seed, n, topic)`), so user
 * n's rows do not depend on how many users are generated, nor on the batch sizes of the writer.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The stream for one topic (`users`, `logs`, …) of sample user `n` under `seed`. */
  static stream(seed: number, n: number, topic: string): SeededRandom {
    let h = mix32((seed >>> 0) ^ 0x9e3779b9);
    h = mix32(h ^ (n >>> 0));
    h = mix32(h ^ Math.floor(n / 0x1_0000_0000));
    for (let i = 0; i < topic.length; i++) h = mix32(h ^ topic.charCodeAt(i));
    return new SeededRandom(h);
  }

  /** A number in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of choices) {
      if (r < w) return value;
      r -= w;
    }
    return choices[choices.length - 1][0];
  }

  /** `length` pseudo-random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

/** The finaliser of MurmurHash3: spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
