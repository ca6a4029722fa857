import { Inject, Injectable, Optional } from '@nestjs/common';
import { iso } from '../common/time/iso';
import { RECIPIENT_KINDS, REQUEST_TYPES, RequestType } from '../policy/domain/policy.types';
import { publishedCount, publishedMedian, publishedShare, SMALLEST_PUBLISHED_COUNT } from './domain/suppression';
import type { TransparencyOutcomeCounts, TransparencyReport } from './dto/transparency-report.dto';
import { TransparencyQueryDto } from './dto/transparency-query.dto';
import { DEFAULT_TRANSPARENCY_CACHE_MS, TRANSPARENCY_CACHE_MS } from './transparency-cache';
import { invalidPeriod } from './transparency.errors';
import { TransparencyRepository, Window } from './transparency.repository';

const DAY_MS = 86_400_000;
/** The earliest day a period may start: nothing of this portal is older, and 0001-01-01 is nonsense. */
const EARLIEST_DAY = '2000-01-01';
/** Periods kept at once; the oldest goes first. */
const MAX_CACHED_PERIODS = 64;
const OUTCOMES: readonly (keyof TransparencyOutcomeCounts)[] = ['approved', 'partial', 'rejected', 'cancelled', 'lapsed', 'open'];

/**
 * The public statistics (face.use.4; product.md, "Trust"): requests by type and outcome, how long
 * deciding took and how often within the deadline, disclosures by recipient kind and by basis.
 * Aggregates only; a count from 1 to 4 is null (domain/suppression.ts). Figures are computed by a
 * handful of aggregate statements and kept for a few minutes per period, so the public page costs
 * the database little however often it is read.
 */
@Injectable()
export class TransparencyService {
  private readonly cache = new Map<string, { at: number; report: Promise<TransparencyReport> }>();

  constructor(
    private readonly repo: TransparencyRepository,
    @Optional() @Inject(TRANSPARENCY_CACHE_MS) private readonly cacheMs: number = DEFAULT_TRANSPARENCY_CACHE_MS,
  ) {}

  report(query: TransparencyQueryDto): Promise<TransparencyReport> {
    const window = windowOf(query);
    const key = `${query.from ?? ''}/${query.to ?? ''}`;
    const now = Date.now();
    const kept = this.cache.get(key);
    if (kept && now - kept.at < this.cacheMs) return kept.report;
    // The promise is kept, not its answer: readers arriving while it is computed wait for the same one.
    const report = this.compute(query, window);
    this.cache.delete(key);
    this.cache.set(key, { at: now, report });
    if (this.cache.size > MAX_CACHED_PERIODS) this.cache.delete(this.cache.keys().next().value as string);
    report.catch(() => {
      if (this.cache.get(key)?.report === report) this.cache.delete(key);
    });
    return report;
  }

  private async compute(query: TransparencyQueryDto, window: Window): Promise<TransparencyReport> {
    const [outcomes, timing, kinds, bases] = await Promise.all([
      this.repo.outcomes(window),
      this.repo.timing(window),
      this.repo.byRecipientKind(window),
      this.repo.byBasis(window),
    ]);
    const count = (type: RequestType, outcome: string) => outcomes.find((r) => r.type === type && r.outcome === outcome)?.count ?? 0;
    const timed = (type: RequestType | null) => timing.find((r) => r.type === type) ?? { decided: 0, medianDays: null, withinDeadline: 0 };
    const overall = timed(null);
    return {
      period: { from: query.from ?? null, to: query.to ?? null },
      generatedAt: iso(new Date()),
      smallestPublishedCount: SMALLEST_PUBLISHED_COUNT,
      requests: {
        byType: REQUEST_TYPES.map((type) => {
          const t = timed(type);
          return {
            type,
            outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, publishedCount(count(type, o))])) as unknown as TransparencyOutcomeCounts,
            medianDaysToDecide: publishedMedian(t.decided, t.medianDays),
            decidedWithinDeadline: publishedShare(t.decided, t.withinDeadline),
          };
        }),
        medianDaysToDecide: publishedMedian(overall.decided, overall.medianDays),
        decidedWithinDeadline: publishedShare(overall.decided, overall.withinDeadline),
      },
      disclosures: {
        byRecipientKind: RECIPIENT_KINDS.map((kind) => ({ kind, entries: publishedCount(kinds.find((k) => k.kind === kind)?.entries ?? 0) })),
        byBasis: bases.map((b) => ({ basis: b.basis, entries: publishedCount(b.entries) })),
      },
    };
  }
}

/** The period as instants: from the start of `from` to the end of `to` (UTC days); 400 when it is not a period. */
function windowOf(query: TransparencyQueryDto): Window {
  const today = new Date().toISOString().slice(0, 10);
  if (query.from !== undefined && query.from < EARLIEST_DAY) throw invalidPeriod('from', `from must be ${EARLIEST_DAY} or later`);
  if (query.to !== undefined && query.to < EARLIEST_DAY) throw invalidPeriod('to', `to must be ${EARLIEST_DAY} or later`);
  if (query.from !== undefined && query.from > today) throw invalidPeriod('from', `from must not be after today (${today}, UTC)`);
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) throw invalidPeriod('to', 'to must not be before from');
  return {
    from: query.from ? new Date(`${query.from}T00:00:00Z`) : null,
    until: query.to ? new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS) : null,
  };
}
