import { ageOn, isCalendarDate, OnBehalfRelation, representedKey } from './on-behalf';

describe("filing on someone's behalf", () => {
  it('keys the person represented by relation, name (case, width and spacing aside) and date of birth', () => {
    const a = representedKey({ relation: OnBehalfRelation.Guardian, name: '王 小明', dateOfBirth: '2016-05-01' });
    expect(a).toMatch(/^guardian:[0-9a-f]{64}$/);
    expect(representedKey({ relation: OnBehalfRelation.Guardian, name: '  王　小明 ', dateOfBirth: '2016-05-01' })).toBe(a);
    expect(representedKey({ relation: OnBehalfRelation.Guardian, name: '王小红', dateOfBirth: '2016-05-01' })).not.toBe(a);
    expect(representedKey({ relation: OnBehalfRelation.Guardian, name: '王 小明', dateOfBirth: '2018-05-01' })).not.toBe(a);
    expect(representedKey({ relation: OnBehalfRelation.Agent, name: 'Jane DOE' })).toBe(representedKey({ relation: OnBehalfRelation.Agent, name: 'jane doe' }));
    expect(representedKey(undefined)).toBe('');
  });

  it('counts age in whole years on the calendar day in China', () => {
    // 2026-05-01 00:30 in Beijing is still 2026-04-30 in UTC.
    expect(ageOn('2012-05-01', new Date('2026-04-30T16:30:00Z'))).toBe(14);
    expect(ageOn('2012-05-01', new Date('2026-04-30T15:30:00Z'))).toBe(13);
    expect(ageOn('2030-01-01', new Date('2026-04-30T15:30:00Z'))).toBeLessThan(0);
  });

  it('takes only real calendar dates', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2015-02-29')).toBe(false);
    expect(isCalendarDate('2016-13-01')).toBe(false);
    expect(isCalendarDate('1899-12-31')).toBe(false);
    expect(isCalendarDate('2016-5-1')).toBe(false);
  });
});
