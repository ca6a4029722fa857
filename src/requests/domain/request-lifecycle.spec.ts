import { SYSTEM } from '../../kernel/actor';
import { Role } from '../../kernel/role';
import { Outcome, RequestType } from '../../policy/domain/policy.types';
import { checkTransition, RequestAction, statusAfterDecision, statusesAllowing, TRANSITIONS } from './request-lifecycle';
import { CLOSED_STATUSES, OPEN_STATUSES, RequestStatus } from './request-status';

const S = RequestStatus;

describe('the transitions table', () => {
  it('has no duplicate row', () => {
    const keys = TRANSITIONS.map((t) => `${t.action}:${t.from}->${t.to}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never leaves a cancelled or completed request', () => {
    expect(TRANSITIONS.filter((t) => t.from === S.Cancelled || t.from === S.Completed)).toEqual([]);
  });

  it('leaves a rejection only by one appeal, filed by the subject, decided by legal', () => {
    expect(TRANSITIONS.filter((t) => t.from === S.Rejected)).toEqual([
      { action: RequestAction.Appeal, from: S.Rejected, to: S.UnderAppeal, roles: [Role.Subject] },
    ]);
    expect(TRANSITIONS.filter((t) => t.from === S.UnderAppeal && t.to !== S.UnderAppeal).every((t) => t.roles.length === 1 && t.roles[0] === Role.Legal)).toBe(
      true,
    );
  });

  it('knows open, closed and clock-running statuses', () => {
    expect(CLOSED_STATUSES).toEqual([S.Completed, S.Rejected, S.Cancelled, S.Lapsed]);
    expect(OPEN_STATUSES).toContain(S.UnderAppeal);
    expect(OPEN_STATUSES).toContain(S.AwaitingLegal);
    expect(OPEN_STATUSES).not.toContain(S.Lapsed);
  });
});

describe('checkTransition', () => {
  const staffDecides = (from: RequestStatus, to: RequestStatus, role: Role | typeof SYSTEM = Role.Staff, type = RequestType.DeleteAccount) =>
    checkTransition({ action: RequestAction.Decide, from, to, type, role });

  it('lets staff and legal decide a request in review; staff refusals go to legal, legal refusals stand', () => {
    expect(staffDecides(S.InReview, S.Approved)).toMatchObject({ allowed: true });
    expect(staffDecides(S.InReview, S.Rejected, Role.Legal)).toMatchObject({ allowed: true });
    expect(staffDecides(S.InReview, S.AwaitingLegal)).toMatchObject({ allowed: true });
    expect(staffDecides(S.InReview, S.Rejected)).toEqual({ allowed: false, refusal: 'role', roles: [Role.Legal] });
    expect(staffDecides(S.InReview, S.AwaitingLegal, Role.Legal)).toEqual({ allowed: false, refusal: 'role', roles: [Role.Staff] });
  });

  it('lets only legal confirm or replace a decision awaiting legal, to approved or rejected', () => {
    for (const action of [RequestAction.ConfirmDecision, RequestAction.ReplaceDecision])
      for (const to of [S.Approved, S.Rejected]) {
        const check = (role: Role) => checkTransition({ action, from: S.AwaitingLegal, to, type: RequestType.Access, role });
        expect(check(Role.Legal)).toMatchObject({ allowed: true });
        expect(check(Role.Staff)).toEqual({ allowed: false, refusal: 'role', roles: [Role.Legal] });
      }
    expect(checkTransition({ action: RequestAction.ConfirmDecision, from: S.InReview, type: RequestType.Access, role: Role.Legal }).allowed).toBe(false);
  });

  it('lets only the system lapse a request, and only one waiting on the subject', () => {
    expect(checkTransition({ action: RequestAction.Lapse, from: S.AwaitingSubject, type: RequestType.Access, role: SYSTEM })).toMatchObject({
      allowed: true,
      transition: { to: S.Lapsed },
    });
    expect(checkTransition({ action: RequestAction.Lapse, from: S.InReview, type: RequestType.Access, role: SYSTEM }).allowed).toBe(false);
    expect(checkTransition({ action: RequestAction.Lapse, from: S.AwaitingSubject, type: RequestType.Access, role: Role.Staff }).allowed).toBe(false);
  });

  it('refuses a decision from any status but in_review (a second decision, an unclaimed request)', () => {
    for (const from of [S.Submitted, S.AwaitingSubject, S.Approved, S.Rejected, S.Cancelled, S.Completed, S.UnderAppeal]) {
      expect({ from, check: staffDecides(from, S.Approved) }).toEqual({ from, check: { allowed: false, refusal: 'not_from_status' } });
    }
  });

  it('refuses a decision by a subject or an admin with the roles that may', () => {
    expect(staffDecides(S.InReview, S.Approved, Role.Subject)).toEqual({ allowed: false, refusal: 'role', roles: [Role.Staff, Role.Legal] });
    expect(staffDecides(S.InReview, S.Rejected, Role.Admin)).toMatchObject({ allowed: false, refusal: 'role' });
  });

  it('leaves withdraw_consent to the system, at once', () => {
    const system = checkTransition({ action: RequestAction.Decide, from: S.Submitted, to: S.Completed, type: RequestType.WithdrawConsent, role: SYSTEM });
    expect(system).toMatchObject({ allowed: true });
    expect(checkTransition({ action: RequestAction.Decide, from: S.Submitted, to: S.Completed, type: RequestType.Access, role: SYSTEM })).toMatchObject({
      allowed: false,
      refusal: 'not_from_status',
    });
    expect(staffDecides(S.InReview, S.Approved, Role.Staff, RequestType.WithdrawConsent)).toMatchObject({ allowed: false });
  });

  it('lets only legal decide an appeal', () => {
    const appeal = (role: Role) =>
      checkTransition({ action: RequestAction.DecideAppeal, from: S.UnderAppeal, to: S.Rejected, type: RequestType.DeleteAccount, role });
    expect(appeal(Role.Legal)).toMatchObject({ allowed: true });
    expect(appeal(Role.Staff)).toEqual({ allowed: false, refusal: 'role', roles: [Role.Legal] });
  });

  it('lets the subject cancel only before a decision', () => {
    const cancel = (from: RequestStatus) => checkTransition({ action: RequestAction.Cancel, from, type: RequestType.Access, role: Role.Subject });
    expect([S.Submitted, S.InReview, S.AwaitingSubject].map((s) => cancel(s).allowed)).toEqual([true, true, true]);
    expect([S.AwaitingLegal, S.Approved, S.Fulfilling, S.Completed, S.Rejected, S.UnderAppeal, S.Cancelled, S.Lapsed].map((s) => cancel(s).allowed)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('pauses and resumes: ask leads to awaiting_subject, the subject reply back to in_review', () => {
    expect(checkTransition({ action: RequestAction.Ask, from: S.InReview, type: RequestType.Access, role: Role.Staff })).toMatchObject({
      allowed: true,
      transition: { to: S.AwaitingSubject },
    });
    expect(checkTransition({ action: RequestAction.Reply, from: S.AwaitingSubject, type: RequestType.Access, role: Role.Subject })).toMatchObject({
      allowed: true,
      transition: { to: S.InReview },
    });
    expect(checkTransition({ action: RequestAction.Reply, from: S.InReview, type: RequestType.Access, role: Role.Subject }).allowed).toBe(false);
  });

  it('names the statuses an action is possible from', () => {
    expect(statusesAllowing(RequestAction.Extend, RequestType.Access)).toEqual([S.Submitted, S.InReview, S.AwaitingSubject]);
  });

  it('maps decision outcomes to statuses', () => {
    expect(statusAfterDecision(Outcome.Approve)).toBe(S.Approved);
    expect(statusAfterDecision(Outcome.Partial)).toBe(S.Approved);
    expect(statusAfterDecision(Outcome.Reject)).toBe(S.Rejected);
    // Staff's refusal or partial answer stands only once legal confirms it.
    expect(statusAfterDecision(Outcome.Approve, true)).toBe(S.Approved);
    expect(statusAfterDecision(Outcome.Partial, true)).toBe(S.AwaitingLegal);
    expect(statusAfterDecision(Outcome.Reject, true)).toBe(S.AwaitingLegal);
  });
});
