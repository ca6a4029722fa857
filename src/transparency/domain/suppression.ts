/**
 * Small counts are not published (face.use.4: aggregate figures, nothing that identifies a person):
 * a count from 1 to 4 is answered as `null`. Zero is published: it places nobody in a group.
 */
export const SMALLEST_PUBLISHED_COUNT = 5;

/** A count as the transparency page shows it: itself, or null when it is 1 to 4. */
export function publishedCount(n: number): number | null {
  return n > 0 && n < SMALLEST_PUBLISHED_COUNT ? null : n;
}

/**
 * The median days to decide over `decided` decisions: published only when at least
 * SMALLEST_PUBLISHED_COUNT requests were decided (a median of one or two is that person's own
 * figure), rounded to a tenth of a day.
 */
export function publishedMedian(decided: number, medianDays: number | null): number | null {
  if (decided < SMALLEST_PUBLISHED_COUNT || medianDays === null) return null;
  return Math.round(medianDays * 10) / 10;
}

/**
 * The share of `decided` decisions taken within the deadline, to three decimals. Published only
 * when at least SMALLEST_PUBLISHED_COUNT were decided and neither the on-time nor the late count it
 * implies is a small one (1 to 4): with the outcome counts, the share would give that count away.
 */
export function publishedShare(decided: number, withinDeadline: number): number | null {
  if (decided < SMALLEST_PUBLISHED_COUNT) return null;
  const late = decided - withinDeadline;
  if (publishedCount(withinDeadline) === null || publishedCount(late) === null) return null;
  return Math.round((withinDeadline / decided) * 1000) / 1000;
}
