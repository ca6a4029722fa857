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

export function isValidDueRule(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    parseDueRule(text);
    return true;
  } catch {
    return false;
  }
}
