import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DueUnit } from '../../config/due-rule';
import { computeDueAt, isPrcWorkingDay, isYearCovered } from './due-date';

/** A Beijing wall-clock time (UTC+8) as an instant. */
const beijing = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

describe('computeDueAt', () => {
  it('adds calendar days and hours exactly', () => {
    const start = new Date('2025-02-27T10:15:00.123Z');
    expect(computeDueAt(start, { amount: 15, unit: DueUnit.Days }).toISOString()).toBe('2025-03-14T10:15:00.123Z');
    expect(computeDueAt(start, { amount: 48, unit: DueUnit.Hours }).toISOString()).toBe('2025-03-01T10:15:00.123Z');
  });

  it('skips the 2025 National Day and Mid-Autumn holiday and counts the Saturday make-up working day', () => {
    // 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are working days.
    const start = beijing('2025-09-30T10:00:00');
    expect(computeDueAt(start, { amount: 1, unit: DueUnit.WorkingDays })).toEqual(beijing('2025-10-09T10:00:00'));
    expect(computeDueAt(start, { amount: 3, unit: DueUnit.WorkingDays })).toEqual(beijing('2025-10-11T10:00:00'));
    // 15 working days: 9, 10, 11 (Sat), 13-17, 20-24, 27, 28 October.
    expect(computeDueAt(start, { amount: 15, unit: DueUnit.WorkingDays })).toEqual(beijing('2025-10-28T10:00:00'));
  });

  it('counts the Sunday make-up day before the holiday', () => {
    // Filed on Saturday 27 September 2025: the next day, a Sunday, is a working day.
    expect(computeDueAt(beijing('2025-09-27T09:00:00'), { amount: 1, unit: DueUnit.WorkingDays })).toEqual(beijing('2025-09-28T09:00:00'));
  });

  it('counts by the Beijing date, not the UTC one', () => {
    // 23:30 UTC on Tuesday 30 September is already Wednesday 1 October (a holiday) in Beijing.
    const lateUtc = new Date('2025-09-30T23:30:00Z');
    expect(computeDueAt(lateUtc, { amount: 1, unit: DueUnit.WorkingDays })).toEqual(beijing('2025-10-09T07:30:00'));
  });

  it('skips the Spring Festival of 2026', () => {
    // 2026: 15-23 February off; Saturday 14 and Saturday 28 February are working days.
    const start = beijing('2026-02-13T12:00:00');
    expect(computeDueAt(start, { amount: 1, unit: DueUnit.WorkingDays })).toEqual(beijing('2026-02-14T12:00:00'));
    expect(computeDueAt(start, { amount: 2, unit: DueUnit.WorkingDays })).toEqual(beijing('2026-02-24T12:00:00'));
  });

  it('falls back to Monday to Friday in a year the holiday data does not cover', () => {
    expect(isYearCovered(2025)).toBe(true);
    const uncovered = 2100;
    expect(isYearCovered(uncovered)).toBe(false);
    // 1 October 2100 is a Friday: in a covered year it would be National Day.
    expect(isPrcWorkingDay(uncovered, 10, 1)).toBe(true);
    expect(isPrcWorkingDay(uncovered, 10, 2)).toBe(false);
    expect(computeDueAt(beijing('2100-09-30T10:00:00'), { amount: 3, unit: DueUnit.WorkingDays })).toEqual(beijing('2100-10-05T10:00:00'));
  });

  it('answers the same in a server time zone west of UTC', () => {
    const script =
      `const { computeDueAt } = require(${JSON.stringify(path.join(__dirname, 'due-date'))});` +
      `process.stdout.write(computeDueAt(new Date('2025-09-30T02:00:00Z'), { amount: 3, unit: 'working_days' }).toISOString());`;
    const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    expect(output).toBe(beijing('2025-10-11T10:00:00').toISOString());
  });
});
