import {
  DELETION_REVIEW_CEILING,
  describeDueRule,
  DueUnit,
  isValidDueRule,
  longestSpanHours,
  mayExceedCeiling,
  parseDueRule,
  REQUEST_CEILING,
} from './due-rule';

describe('parseDueRule', () => {
  it.each([
    ['15 days', { amount: 15, unit: DueUnit.Days }],
    ['1 day', { amount: 1, unit: DueUnit.Days }],
    ['15 working days', { amount: 15, unit: DueUnit.WorkingDays }],
    ['  10  Working  Days ', { amount: 10, unit: DueUnit.WorkingDays }],
    ['48 hours', { amount: 48, unit: DueUnit.Hours }],
    ['1 hour', { amount: 1, unit: DueUnit.Hours }],
  ])('reads %j', (text, rule) => {
    expect(parseDueRule(text)).toEqual(rule);
  });

  it.each(['', '15', 'days', '0 days', '-1 days', '15 weeks', '15 business days', '1.5 days', '400 days', '9000 hours', '251 working days'])(
    'refuses %j',
    (text) => {
      expect(() => parseDueRule(text)).toThrow(/is not a deadline/);
    },
  );
});

describe('isValidDueRule', () => {
  it('answers for what the settings check sees, strings or not', () => {
    expect(isValidDueRule('48 hours')).toBe(true);
    expect(isValidDueRule('48 weeks')).toBe(false);
    expect(isValidDueRule(48)).toBe(false);
    expect(isValidDueRule(undefined)).toBe(false);
  });
});

describe('the ceilings a deadline setting may not pass', () => {
  it('are 48 hours for the deletion review and 30 days for the rest', () => {
    expect(DELETION_REVIEW_CEILING).toEqual({ amount: 48, unit: DueUnit.Hours });
    expect(REQUEST_CEILING).toEqual({ amount: 30, unit: DueUnit.Days });
  });

  it('compares days and hours exactly', () => {
    expect(mayExceedCeiling(parseDueRule('48 hours'), DELETION_REVIEW_CEILING)).toBe(false);
    expect(mayExceedCeiling(parseDueRule('2 days'), DELETION_REVIEW_CEILING)).toBe(false);
    expect(mayExceedCeiling(parseDueRule('49 hours'), DELETION_REVIEW_CEILING)).toBe(true);
    expect(mayExceedCeiling(parseDueRule('3 days'), DELETION_REVIEW_CEILING)).toBe(true);
    expect(mayExceedCeiling(parseDueRule('30 days'), REQUEST_CEILING)).toBe(false);
    expect(mayExceedCeiling(parseDueRule('720 hours'), REQUEST_CEILING)).toBe(false);
    expect(mayExceedCeiling(parseDueRule('31 days'), REQUEST_CEILING)).toBe(true);
    expect(mayExceedCeiling(parseDueRule('721 hours'), REQUEST_CEILING)).toBe(true);
  });

  it('takes working days at their longest: never fewer calendar days than working days, weekends and holidays on top', () => {
    for (let n = 1; n <= 250; n += 1) expect(longestSpanHours({ amount: n, unit: DueUnit.WorkingDays })).toBeGreaterThan(n * 24);
    // Five working days from a Friday end on the next Friday: at least a week, holidays aside.
    expect(longestSpanHours({ amount: 5, unit: DueUnit.WorkingDays })).toBeGreaterThanOrEqual(7 * 24);
    expect(longestSpanHours({ amount: 15, unit: DueUnit.WorkingDays })).toBe(30 * 24);
  });

  it('lets 15 working days through a 30-day ceiling but not 16, and no working-day deadline through 48 hours', () => {
    expect(mayExceedCeiling(parseDueRule('15 working days'), REQUEST_CEILING)).toBe(false);
    // 16 working days are fewer than 30 calendar days; they could still take more around a holiday.
    expect(mayExceedCeiling(parseDueRule('16 working days'), REQUEST_CEILING)).toBe(true);
    expect(mayExceedCeiling(parseDueRule('1 working day'), DELETION_REVIEW_CEILING)).toBe(true);
  });

  it('describes a rule as it would be written', () => {
    expect(describeDueRule(DELETION_REVIEW_CEILING)).toBe('48 hours');
    expect(describeDueRule({ amount: 1, unit: DueUnit.WorkingDays })).toBe('1 working day');
    expect(describeDueRule(REQUEST_CEILING)).toBe('30 days');
  });
});
