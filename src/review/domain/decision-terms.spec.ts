import { RefusalGround } from '../../kernel/rights-notice';
import { DataCategory, Outcome, RequestType } from '../../policy/domain/policy.types';
import { OnBehalfRelation, RequestStatus, SubjectRequest } from '../../requests';
import { DecisionAsked, decisionTerms } from './decision-terms';

function request(type: RequestType, details: SubjectRequest['details'] = {}): SubjectRequest {
  const at = new Date('2026-11-01T00:00:00Z');
  return {
    id: '00000000-0000-4000-8000-000000000001',
    subjectId: '00000000-0000-4000-8000-000000000002',
    subjectRef: '00000000-0000-4000-8000-000000000003',
    type,
    status: RequestStatus.InReview,
    version: 2,
    policyVersion: 1,
    details,
    represented: '',
    submittedAt: at,
    dueAt: at,
    awaitingSince: null,
    questionAskedAt: null,
    clockPauses: 0,
    extendedAt: null,
    appealedAt: null,
    assigneeId: null,
    overdueFlaggedAt: null,
    closedAt: null,
    idempotencyKey: null,
    idempotencyFingerprint: null,
    updatedAt: at,
  };
}

const ask = (d: Partial<DecisionAsked> & Pick<DecisionAsked, 'outcome'>): DecisionAsked => ({ clauses: [], law: [], ...d });
const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

const items = [
  { category: DataCategory.Account, field: 'phone', correctedValue: '13800000000', explanation: 'new number' },
  { category: DataCategory.Account, field: 'email', currentValue: 'old@example.com', correctedValue: 'new@example.com', explanation: 'moved' },
];

describe('decisionTerms', () => {
  describe('refusals', () => {
    it('need a ground that applies to the request, with its provision cited', () => {
      const own = request(RequestType.Access);
      expect(code(() => decisionTerms(own, ask({ outcome: Outcome.Reject, law: ['GBT35273.8.7'] })))).toBe('ground_required');
      expect(code(() => decisionTerms(own, ask({ outcome: Outcome.Reject, ground: RefusalGround.ManifestlyUnfounded, law: ['PIPL.49'] })))).toBe(
        'ground_law_required',
      );
      expect(decisionTerms(own, ask({ outcome: Outcome.Reject, ground: RefusalGround.ManifestlyUnfounded, law: ['GBT35273.8.7'] }))).toEqual({
        ground: 'manifestly_unfounded',
      });
    });

    it("on grounds of representation only for requests filed on someone's behalf, and the deceased's wishes only for a relative", () => {
      const own = request(RequestType.Access);
      const agent = request(RequestType.Access, { onBehalfOf: { relation: OnBehalfRelation.Agent, name: 'A', evidence: [] } });
      const relative = request(RequestType.Access, { onBehalfOf: { relation: OnBehalfRelation.RelativeOfDeceased, name: 'A', evidence: [] } });
      const notProven = ask({ outcome: Outcome.Reject, ground: RefusalGround.AuthorityNotProven, law: ['GBT35273.8.7'] });
      const arranged = ask({ outcome: Outcome.Reject, ground: RefusalGround.DeceasedArrangedOtherwise, law: ['PIPL.49'] });
      expect(code(() => decisionTerms(own, notProven))).toBe('ground_not_applicable');
      expect(decisionTerms(agent, notProven)).toEqual({ ground: 'authority_not_proven' });
      expect(code(() => decisionTerms(agent, arranged))).toBe('ground_not_applicable');
      expect(decisionTerms(relative, arranged)).toEqual({ ground: 'deceased_arranged_otherwise' });
    });

    it('find information accurate only on a correction, under PIPL Art. 46', () => {
      const accurate = ask({ outcome: Outcome.Reject, ground: RefusalGround.InformationAccurate, law: ['PIPL.46'] });
      expect(code(() => decisionTerms(request(RequestType.Access), accurate))).toBe('ground_not_applicable');
      expect(decisionTerms(request(RequestType.Correction, { items }), accurate)).toEqual({ ground: 'information_accurate' });
    });
  });

  describe('a correction', () => {
    it('approved records every item as it is to change; in part, the listed ones, the others withheld by category', () => {
      const r = request(RequestType.Correction, { items });
      expect(decisionTerms(r, ask({ outcome: Outcome.Approve }))).toEqual({
        corrections: [
          { category: 'account', field: 'phone', correctedValue: '13800000000' },
          { category: 'account', field: 'email', currentValue: 'old@example.com', correctedValue: 'new@example.com' },
        ],
      });
      expect(decisionTerms(r, ask({ outcome: Outcome.Partial, items: [1] }))).toEqual({
        corrections: [{ category: 'account', field: 'email', currentValue: 'old@example.com', correctedValue: 'new@example.com' }],
        withheld: ['account'],
      });
    });

    it('in part names some items, not none, not all, none out of range; `withheld` is not for it', () => {
      const r = request(RequestType.Correction, { items });
      for (const chosen of [undefined, [], [0, 1], [5]]) {
        expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Partial, items: chosen })))).toBe('items_required');
      }
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Partial, items: [0], withheld: [DataCategory.Account] })))).toBe('not_applicable');
      expect(code(() => decisionTerms(request(RequestType.Access), ask({ outcome: Outcome.Approve, items: [0] })))).toBe('not_applicable');
    });
  });

  describe('an explanation', () => {
    it('is answered in writing, citing at least one clause', () => {
      const r = request(RequestType.Explanation, { question: 'why?' });
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, clauses: ['1.a'] })))).toBe('answer_required');
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, answer: 'Because.' })))).toBe('clauses_required');
      expect(decisionTerms(r, ask({ outcome: Outcome.Approve, answer: 'Because of 1.a.', clauses: ['1.a'] }))).toEqual({ answer: 'Because of 1.a.' });
      expect(decisionTerms(r, ask({ outcome: Outcome.Partial, answer: 'In part.', clauses: ['3.c'] }))).toEqual({ answer: 'In part.' });
      expect(code(() => decisionTerms(request(RequestType.Access), ask({ outcome: Outcome.Approve, answer: 'x' })))).toBe('not_applicable');
    });
  });

  describe('a copy to be sent to another handler', () => {
    const sendTo = { name: 'Other Co.', endpoint: 'https://other.example.cn/in' };
    const all = { identityVerified: true, providedByConsentOrContract: true, technicallyFeasible: true, noHarmToOthers: true };

    it('is approved only with every condition of NDSMR Art. 25 met and NDSMR.25 cited', () => {
      const r = request(RequestType.CopyTransfer, { format: 'json', sendTo });
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['PIPL.45'] })))).toBe('transfer_terms_required');
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['PIPL.45'], transfer: all })))).toBe('transfer_terms_required');
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['NDSMR.25'], transfer: { ...all, technicallyFeasible: false } })))).toBe(
        'transfer_conditions_unmet',
      );
      expect(decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['NDSMR.25'], transfer: all }))).toEqual({
        transfer: { approved: true, to: sendTo, conditions: all },
      });
    });

    it('declined in a partial decision, which then needs nothing withheld', () => {
      const r = request(RequestType.CopyTransfer, { format: 'csv', sendTo });
      expect(decisionTerms(r, ask({ outcome: Outcome.Partial, law: ['NDSMR.25'], transfer: { ...all, noHarmToOthers: false } }))).toEqual({
        transfer: { approved: false, conditions: { ...all, noHarmToOthers: false }, unmet: ['noHarmToOthers'] },
      });
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Partial, law: ['NDSMR.25'], transfer: all })))).toBe('withheld_required');
    });

    it('has no transfer terms when no handler was named', () => {
      const r = request(RequestType.CopyTransfer, { format: 'json' });
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['NDSMR.25'], transfer: all })))).toBe('not_applicable');
      expect(decisionTerms(r, ask({ outcome: Outcome.Approve, law: ['PIPL.45'] }))).toEqual({});
    });
  });

  describe('deleting some data', () => {
    const r = request(RequestType.DeleteData, { categories: [DataCategory.SearchKeywords, DataCategory.Transactions] });

    it('approved records the categories to erase', () => {
      expect(decisionTerms(r, ask({ outcome: Outcome.Approve }))).toEqual({ erase: ['search_keywords', 'transactions'] });
    });

    it('in part keeps only categories it was asked to delete, under holds, like an account deletion', () => {
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Partial, withheld: [DataCategory.Transactions] })))).toBe('holds_required');
      expect(code(() => decisionTerms(r, ask({ outcome: Outcome.Partial, withheld: [DataCategory.Account], holds: ['h'] })))).toBe('withheld_not_asked');
      expect(decisionTerms(r, ask({ outcome: Outcome.Partial, withheld: [DataCategory.Transactions], holds: ['h'] }))).toEqual({
        withheld: ['transactions'],
        erase: ['search_keywords'],
        holds: ['h'],
      });
    });

    it('is refused as still necessary only under PIPL Art. 47, and only a deletion of some data', () => {
      const still = ask({ outcome: Outcome.Reject, ground: RefusalGround.StillNecessary, law: ['PIPL.47'] });
      expect(decisionTerms(r, still)).toEqual({ ground: 'still_necessary' });
      expect(code(() => decisionTerms(request(RequestType.DeleteAccount), still))).toBe('ground_not_applicable');
      expect(code(() => decisionTerms(r, { ...still, law: ['GBT35273.8.7'] }))).toBe('ground_law_required');
    });

    it('holds belong to erasures only', () => {
      expect(code(() => decisionTerms(request(RequestType.Access), ask({ outcome: Outcome.Partial, withheld: [DataCategory.Violations], holds: ['h'] })))).toBe(
        'not_applicable',
      );
    });
  });
});
