// The schedule the `chinese-days` package ships (the data behind its isWorkday()), keyed by date string.
// Its isWorkday() is not used directly: it builds that table when first loaded, reading dates with
// the process's local time zone, and west of UTC every holiday lands a day early (America/New_York
// answers 2025-10-10 for the 2025-10-11 make-up working day). Looking the date string up is
// independent of the time zone the server runs in.
import schedule from 'chinese-days/dist/chinese-days.json';
import { DueRule, DueUnit } from '../../config/due-rule';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time is UTC+8 all year (no daylight saving since 1991): working days are Beijing dates. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

/**
 * When a request filed at `start` is due.
 *
 * - days / hours: exactly that much later.
 * - working days: counting starts the day after `start` (in Beijing time); the request is due on
 *   the Nth working day at the same Beijing clock time it was filed. Whether a date is a working
 *   day comes from the `chinese-days` package, which knows the State Council's holidays and the
 *   weekend days made working days (调休) — but only for the years it ships data for (a year is
 *   taken as covered when the package lists holidays in it). For a later year
 *   it knows nothing, so Monday to Friday count as working days and weekends do not: a deadline
 *   that runs into such a year may fall a few days early around holidays not yet announced;
 *   upgrading the package when the next year's schedule is published fixes that.
 */
export function computeDueAt(start: Date, rule: DueRule): Date {
  switch (rule.unit) {
    case DueUnit.Hours:
      return new Date(start.getTime() + rule.amount * HOUR_MS);
    case DueUnit.Days:
      return new Date(start.getTime() + rule.amount * DAY_MS);
    case DueUnit.WorkingDays: {
      // A Date shifted by +8 h whose UTC fields read as the Beijing date and time.
      let beijing = new Date(start.getTime() + CHINA_OFFSET_MS);
      let counted = 0;
      while (counted < rule.amount) {
        beijing = new Date(beijing.getTime() + DAY_MS);
        if (isPrcWorkingDay(beijing.getUTCFullYear(), beijing.getUTCMonth() + 1, beijing.getUTCDate())) counted += 1;
      }
      return new Date(beijing.getTime() - CHINA_OFFSET_MS);
    }
  }
}

/** Whether a Beijing calendar date (month 1-12) is a working day; see computeDueAt for the fallback. */
export function isPrcWorkingDay(year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const isWeekday = weekday >= 1 && weekday <= 5;
  if (!isYearCovered(year)) return isWeekday;
  const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (date in WORKDAYS) return true;
  return isWeekday && !(date in HOLIDAYS);
}

const HOLIDAYS: Record<string, string> = schedule.holidays;
/** Weekend days made working days (调休上班). */
const WORKDAYS: Record<string, string> = schedule.workdays;
const COVERED_YEARS = new Set(Object.keys(HOLIDAYS).map((date) => Number(date.slice(0, 4))));

/** Whether `chinese-days` has the official holiday schedule of this year. */
export function isYearCovered(year: number): boolean {
  return COVERED_YEARS.has(year);
}
