import { DueUnit, longestSpanHours, REQUEST_CEILING } from '../../config/due-rule';
import { RequestType } from '../../policy/domain/policy.types';
import { clockDueAt, DEADLINE_CEILINGS, latestDueAt, MAX_CLOCK_PAUSES, NoPauseReason, whyQuestionDoesNotPause } from './deadline-ceiling';
import { computeDueAt, isYearCovered } from './due-date';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const submittedAt = new Date('2025-03-03T02:00:00Z');

describe('the ceilings by request type', () => {
  it('are 48 hours for the deletion review and 30 days for every other type, from submission', () => {
    expect(latestDueAt(RequestType.DeleteAccount, submittedAt).getTime() - submittedAt.getTime()).toBe(48 * HOUR);
    for (const type of [RequestType.Access, RequestType.WithdrawConsent, RequestType.DisclosureLog])
      expect(latestDueAt(type, submittedAt).getTime() - submittedAt.getTime()).toBe(30 * DAY);
    expect(Object.keys(DEADLINE_CEILINGS).sort()).toEqual(Object.values(RequestType).sort());
  });
});

describe('whether a question pauses the clock', () => {
  it('never for the deletion review, whatever was paused before', () => {
    expect(whyQuestionDoesNotPause(RequestType.DeleteAccount, 0)).toBe(NoPauseReason.DeletionReview);
  });

  it('twice at most for the other types', () => {
    expect(MAX_CLOCK_PAUSES).toBe(2);
    for (const type of [RequestType.Access, RequestType.DisclosureLog]) {
      expect(whyQuestionDoesNotPause(type, 0)).toBeNull();
      expect(whyQuestionDoesNotPause(type, 1)).toBeNull();
      expect(whyQuestionDoesNotPause(type, 2)).toBe(NoPauseReason.PausesUsed);
    }
  });
});

describe('clockDueAt: when the clock runs out', () => {
  const at = (days: number) => new Date(submittedAt.getTime() + days * DAY);
  const access = { type: RequestType.Access, submittedAt, dueAt: at(15) };

  it('is the due date while the clock runs', () => {
    expect(clockDueAt({ ...access, awaitingSince: null }, at(40))).toEqual(at(15));
  });

  it('moves later by the pause so far while paused', () => {
    expect(clockDueAt({ ...access, awaitingSince: at(5) }, at(9))).toEqual(at(19));
  });

  it('never past the ceiling from submission, however long the pause', () => {
    expect(clockDueAt({ ...access, awaitingSince: at(5) }, at(25))).toEqual(at(30));
    expect(clockDueAt({ ...access, awaitingSince: at(5) }, at(90))).toEqual(at(30));
    // An extension already up to the ceiling leaves a pause nothing to add.
    expect(clockDueAt({ ...access, dueAt: at(30), awaitingSince: at(20) }, at(28))).toEqual(at(30));
  });

  it('never earlier than the due date (one set past the ceiling by an appeal stays)', () => {
    expect(clockDueAt({ ...access, dueAt: at(45), awaitingSince: at(40) }, at(41))).toEqual(at(45));
  });

  it('leaves a paused request overdue only once even the pause cannot carry it', () => {
    const paused = { ...access, awaitingSince: at(10) };
    expect(clockDueAt(paused, at(29)).getTime()).toBeGreaterThan(at(29).getTime());
    expect(clockDueAt(paused, at(31)).getTime()).toBeLessThan(at(31).getTime());
    // Already late when the question was asked: the pause does not save it.
    const late = { ...access, awaitingSince: at(16) };
    expect(clockDueAt(late, at(17)).getTime()).toBeLessThan(at(17).getTime());
  });
});

describe('the working-day bound the settings are checked with (src/config/due-rule.ts)', () => {
  it('is never shorter than a deadline the PRC calendar really gave, from any start, wherever it fits in 30 days', () => {
    const years = Array.from({ length: 40 }, (_, i) => 2000 + i).filter(isYearCovered);
    expect(years.length).toBeGreaterThan(3);
    const ceilingHours = REQUEST_CEILING.amount * 24;
    for (let n = 1; longestSpanHours({ amount: n, unit: DueUnit.WorkingDays }) <= ceilingHours; n += 1) {
      const bound = longestSpanHours({ amount: n, unit: DueUnit.WorkingDays }) * HOUR;
      let longest = 0;
      for (let day = Date.UTC(years[0], 0, 1); day <= Date.UTC(years[years.length - 1], 11, 31); day += DAY) {
        const start = new Date(day + 2 * HOUR); // 10:00 in Beijing
        longest = Math.max(longest, computeDueAt(start, { amount: n, unit: DueUnit.WorkingDays }).getTime() - start.getTime());
      }
      expect({ n, fits: longest <= bound }).toEqual({ n, fits: true });
    }
  });
});
