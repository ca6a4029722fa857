import { DueUnit, isValidDueRule, parseDueRule } from './due-rule';

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
