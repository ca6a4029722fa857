// A deadline setting (`REQUEST_DUE_<TYPE>`) as written and as the portal counts it. The setting is
// read and checked here, at start-up; counting a deadline from a date is the requests' business
// (src/requests/domain/due-date.ts).

/** How a deadline is counted (settings `REQUEST_DUE_<TYPE>`). */
export enum DueUnit {
  /** calendar days: the same clock time N days later */
  Days = 'days',
  /** PRC working days (official holidays and make-up working days included), counted from the next day */
  WorkingDays = 'working_days',
  Hours = 'hours',
}

export interface DueRule {
  amount: number;
  unit: DueUnit;
}

/** `15 days`, `15 working days`, `48 hours` (singular forms too; case and spacing are free). */
export const DUE_RULE_PATTERN = /^\s*(\d{1,5})\s*(working\s+days?|days?|hours?)\s*$/i;

/** The longest deadline a setting may give: a year, whatever the unit. */
const MAX_AMOUNT: Record<DueUnit, number> = { [DueUnit.Days]: 366, [DueUnit.WorkingDays]: 250, [DueUnit.Hours]: 366 * 24 };

export class InvalidDueRuleError extends Error {
  constructor(text: string) {
    super(`"${text}" is not a deadline; write e.g. "15 days", "15 working days" or "48 hours" (at least 1, at most a year)`);
    this.name = 'InvalidDueRuleError';
  }
}

/** Parses a deadline setting; throws InvalidDueRuleError for anything else (checked at start-up). */
export function parseDueRule(text: string): DueRule {
  const match = DUE_RULE_PATTERN.exec(text);
  if (!match) throw new InvalidDueRuleError(text);
  const amount = Number(match[1]);
  const word = match[2].toLowerCase();
  const unit = word.startsWith('working') ? DueUnit.WorkingDays : word.startsWith('day') ? DueUnit.Days : DueUnit.Hours;
  if (amount < 1 || amount > MAX_AMOUNT[unit]) throw new InvalidDueRuleError(text);
  return { amount, unit };
}

/**
 * The longest any request may take, counted from its submission, whatever a setting or an extension
 * says. The account-cancellation review is decided within 48 hours of the application (policy
 * `face.retain.2`); every other request within 30 days (GB/T 35273-2020 §8.7). Which request type
 * each applies to is src/requests/domain/deadline-ceiling.ts; which setting, environment.ts.
 */
export const DELETION_REVIEW_CEILING: Readonly<DueRule> = Object.freeze({ amount: 48, unit: DueUnit.Hours });
export const REQUEST_CEILING: Readonly<DueRule> = Object.freeze({ amount: 30, unit: DueUnit.Days });

const HOUR = 1;
const DAY = 24 * HOUR;

/**
 * Working days that official holidays (net of make-up working days) can add to a span beyond the
 * weekends, as `longestSpanHours` counts them. The worst seen within 30 days is 8: from the eve of
 * the 2020 Spring Festival, extended for the epidemic (chinese-days' data, 2004-2026;
 * src/requests/domain/deadline-ceiling.spec.ts checks this bound against every start date it
 * covers). One day more stands for a schedule not yet published: the State Council announces them a
 * year at a time, so no bound is certain, and this one errs long.
 */
const HOLIDAY_ALLOWANCE_DAYS = 9;

/**
 * The longest a deadline can take, in hours, from any start: what a ceiling in calendar time must
 * be compared with. Days and hours are exact. N working days are not N calendar days: counted from
 * a Friday, two weekend days can come before every run of five (N + 2 * ceil(N/5) days), and
 * holidays add HOLIDAY_ALLOWANCE_DAYS more. So "15 working days" (29 days at worst so far) fits in 30
 * calendar days, "16 working days" does not, and no working-day deadline fits in 48 hours (one
 * working day from a Friday is the Monday, 72 hours later).
 */
export function longestSpanHours(rule: DueRule): number {
  switch (rule.unit) {
    case DueUnit.Hours:
      return rule.amount * HOUR;
    case DueUnit.Days:
      return rule.amount * DAY;
    case DueUnit.WorkingDays:
      return (rule.amount + 2 * Math.ceil(rule.amount / 5) + HOLIDAY_ALLOWANCE_DAYS) * DAY;
  }
}

/** Whether a deadline could end after `ceiling` (a ceiling in working days is taken at its shortest: N days). */
export function mayExceedCeiling(rule: DueRule, ceiling: DueRule): boolean {
  const ceilingHours = ceiling.unit === DueUnit.Hours ? ceiling.amount * HOUR : ceiling.amount * DAY;
  return longestSpanHours(rule) > ceilingHours;
}

/** `48 hours`, `30 days`, `15 working days`. */
export function describeDueRule(rule: DueRule): string {
  const word = { [DueUnit.Days]: 'day', [DueUnit.WorkingDays]: 'working day', [DueUnit.Hours]: 'hour' }[rule.unit];
  return `${rule.amount} ${word}${rule.amount === 1 ? '' : 's'}`;
}

export function isValidDueRule(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    parseDueRule(text);
    return true;
  } catch {
    return false;
  }
}
