import {
  checkDisclosureBasis,
  checkJustification,
  clauseForConsentPurpose,
  clausesForDataCategory,
  DisclosureBasisQuery,
  justifyingClauses,
  outcomesJustifiedBy,
  TransferMechanism,
} from './justification';
import { LawService } from '../../law';
import { supersededClauses } from './policy-coverage';
import { loadBundledVersion1 } from './policy-version.loader';
import { ConsentPurpose, DataCategory, OUTCOMES, Outcome, OutcomeRule, RecipientKind, REQUEST_TYPES, RequestType } from './policy.types';

const LAW_IDS = new LawService().ids();
const { rules, coverage } = loadBundledVersion1('ACME', LAW_IDS);
const ALL_CLAUSES = rules.clauseIds;
const SUPERSEDED = supersededClauses(coverage);

const rule = (clauses: string[], law: string[], needsLaw = false): OutcomeRule => ({ clauses, law, needsLaw });

// The reviewed justification rules of version 1, written out: a change to rules.yaml must be made
// here as well, on purpose. `undefined` = nothing in version 1 or in the law can justify that outcome.
const EXPECTED_REQUEST_RULES: Record<RequestType, Record<Outcome, OutcomeRule | undefined>> = {
  [RequestType.Access]: {
    [Outcome.Approve]: rule(['1.a', '1.b', 'face.collect', 'face.collect.1', 'face.collect.2'], ['PIPL.45']),
    // 1.excl.* never alone: PIPL Art. 45 allows withholding only under Arts. 18(1) and 35.
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49'], true),
    [Outcome.Partial]: rule(['1.excl', '1.excl.a', '1.excl.b', '1.excl.c'], ['PIPL.18', 'PIPL.35'], true),
    [Outcome.Extend]: undefined,
  },
  [RequestType.WithdrawConsent]: {
    [Outcome.Approve]: rule(['face.use.3', 'face.collect.2', '2.c', 'face.share.2', 'face.share.3', 'face.retain.1', 'face.use.6'], ['PIPL.15', 'PIPL.47']),
    [Outcome.Reject]: undefined,
    [Outcome.Partial]: undefined,
    [Outcome.Extend]: undefined,
  },
  [RequestType.DeleteAccount]: {
    [Outcome.Approve]: rule(['face.retain.2', 'face.use.3'], ['PIPL.47', 'NDSMR.24']),
    // No longer on 3.c, face.transfer.3 or face.share.1.4: they permit a disclosure, not keeping an account.
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49'], true),
    [Outcome.Partial]: rule(['3.c', '3.e', '3.f'], ['PIPL.47', 'NDSMR.24', 'ECL.31', 'CSL.23'], true),
    [Outcome.Extend]: undefined,
  },
  [RequestType.DisclosureLog]: {
    [Outcome.Approve]: rule(['3', '3.a', '3.b', '3.c', '3.d', '3.e', '3.f', '3.g'], ['PIPL.45', 'PIPL.44', 'PIPL.23']),
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49'], true),
    [Outcome.Partial]: rule(['3.c', 'face.share.1.4', 'face.transfer.3'], ['PIPL.18', 'PIPL.35'], true),
    [Outcome.Extend]: rule(['3.c'], ['GBT35273.8.7'], true),
  },
  [RequestType.Correction]: {
    [Outcome.Approve]: rule(['1.a'], ['PIPL.46', 'NDSMR.23']),
    // An item verified accurate, or another person's, is left as it is (Art. 46 asks to verify, then correct).
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.46', 'PIPL.49'], true),
    [Outcome.Partial]: rule([], ['PIPL.46'], true),
    [Outcome.Extend]: rule([], ['GBT35273.8.7'], true),
  },
  [RequestType.CopyTransfer]: {
    // What the copy covers, as for access; a transfer to a named handler on NDSMR Art. 25's conditions.
    [Outcome.Approve]: rule(['1.a', '1.b', 'face.collect', 'face.collect.1', 'face.collect.2'], ['PIPL.45', 'NDSMR.25']),
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49'], true),
    [Outcome.Partial]: rule([], ['PIPL.18', 'PIPL.35', 'NDSMR.25'], true),
    [Outcome.Extend]: rule([], ['GBT35273.8.7'], true),
  },
  [RequestType.Explanation]: {
    // No clause grants the explanation: the clauses it explains stand beside Art. 48 as context.
    [Outcome.Approve]: rule([], ['PIPL.48', 'PIPL.44'], true),
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49'], true),
    [Outcome.Partial]: rule([], ['PIPL.18', 'PIPL.35'], true),
    [Outcome.Extend]: undefined,
  },
  [RequestType.DeleteData]: {
    // No clause of version 1 deletes information while the account stays open (face.use.3, face.retain.2: on cancellation).
    [Outcome.Approve]: rule([], ['PIPL.47', 'NDSMR.23']),
    // PIPL.47: outside the cases of its para. 1, data still needed while the account stays open is kept.
    [Outcome.Reject]: rule([], ['GBT35273.8.7', 'PIPL.49', 'PIPL.47'], true),
    [Outcome.Partial]: rule(['3.c', '3.e', '3.f'], ['PIPL.47', 'NDSMR.24', 'ECL.31', 'CSL.23'], true),
    [Outcome.Extend]: undefined,
  },
};

const EXPECTED_RECIPIENT_BASIS: Record<RecipientKind, string[]> = {
  [RecipientKind.Authority]: [
    '3.c',
    'face.transfer.1',
    'face.transfer.2',
    'face.transfer.3',
    'face.transfer.4',
    'face.share.1.2',
    'face.share.1.3',
    'face.share.1.4',
    'face.share.1.5',
  ],
  [RecipientKind.ComplaintParty]: ['3.e'],
  [RecipientKind.Counterparty]: ['3.f'],
  [RecipientKind.Affiliate]: ['face.share.2', '3.a', 'face.share.1.1'],
  [RecipientKind.Partner]: ['face.share.3', '2.a', '3.b', '2.c', '3.a', 'face.share.1.1'],
  [RecipientKind.CreditBureau]: ['face.share.5'],
  [RecipientKind.Other]: [
    '3.a',
    'face.share.1.1',
    '3.d',
    'face.transfer.4',
    'face.share.1.5',
    'face.transfer.5',
    'face.transfer.6',
    'face.share.1.6',
    'face.share.1.7',
  ],
};

const decisionCases = REQUEST_TYPES.flatMap((requestType) =>
  OUTCOMES.map((outcome) => ({ requestType, outcome, expected: EXPECTED_REQUEST_RULES[requestType][outcome] })),
);

describe('checkJustification on the rules of version 1', () => {
  const check = (requestType: RequestType, outcome: Outcome, clauses: string[], law: string[] = []) =>
    checkJustification(rules, { requestType, outcome, clauses, law }, SUPERSEDED);

  it('loads exactly the reviewed rules', () => {
    for (const { requestType, outcome, expected } of decisionCases) {
      expect({ requestType, outcome, rule: rules.requests[requestType][outcome] }).toEqual({ requestType, outcome, rule: expected });
    }
  });

  describe.each(decisionCases.filter((c) => c.expected !== undefined))('$requestType / $outcome', ({ requestType, outcome, expected }) => {
    const listed = expected as OutcomeRule;
    const otherClauses = ALL_CLAUSES.filter((id) => !listed.clauses.includes(id));
    const otherLaw = LAW_IDS.filter((id) => !listed.law.includes(id));

    it.each(listed.law)('is justified by the provision %s', (id) => {
      expect(check(requestType, outcome, [], [id])).toMatchObject({ justified: true, unknownClauses: [], justifyingLaw: listed.law });
    });

    if (listed.needsLaw) {
      it('is justified by no clause alone, even all of its own; a clause beside a provision is context', () => {
        expect(check(requestType, outcome, ALL_CLAUSES)).toMatchObject({ justified: false, needsLaw: true, justifyingLaw: listed.law });
        if (listed.clauses.length > 0) expect(check(requestType, outcome, [listed.clauses[0]], [listed.law[0]]).justified).toBe(true);
        // Any clause of the version may stand beside a justifying provision, superseded ones included.
        expect(ALL_CLAUSES.filter((id) => !check(requestType, outcome, [id], [listed.law[0]]).justified)).toEqual([]);
      });
    } else if (listed.clauses.length === 0) {
      it('lists no clause, so no clause justifies it, not even all of them together', () => {
        expect(check(requestType, outcome, ALL_CLAUSES)).toMatchObject({ justified: false, needsLaw: false, justifyingClauses: [] });
        expect(check(requestType, outcome, ALL_CLAUSES, [listed.law[0]]).justified).toBe(true);
      });
    } else {
      it.each(listed.clauses)('is justified by the clause %s', (id) => {
        expect(check(requestType, outcome, [id])).toEqual({
          justified: true,
          unknownClauses: [],
          justifyingClauses: listed.clauses,
          justifyingLaw: listed.law,
          needsLaw: false,
        });
      });
    }

    it('is justified by nothing outside its lists', () => {
      expect(otherClauses.filter((id) => check(requestType, outcome, [id]).justified)).toEqual([]);
      expect(otherLaw.filter((id) => check(requestType, outcome, [], [id]).justified)).toEqual([]);
      expect(check(requestType, outcome, otherClauses, otherLaw).justified).toBe(false);
    });

    it('reports an unknown clause and is then not justified, even next to what would justify it', () => {
      expect(check(requestType, outcome, [...listed.clauses.slice(0, 1), '6.a', '6.a'], listed.law.slice(0, 1))).toMatchObject({
        justified: false,
        unknownClauses: ['6.a'],
      });
    });
  });

  it.each(decisionCases.filter((c) => c.expected === undefined))('finds nothing that justifies $requestType / $outcome', ({ requestType, outcome }) => {
    expect(justifyingClauses(rules, requestType, outcome)).toEqual([]);
    expect(check(requestType, outcome, ALL_CLAUSES, LAW_IDS)).toEqual({
      justified: false,
      unknownClauses: [],
      justifyingClauses: [],
      justifyingLaw: [],
      needsLaw: false,
    });
  });

  it('refuses a near relative of a deceased person on PIPL Art. 49 for every type they may file, withdrawal aside (it has no refusal)', () => {
    const refusable = REQUEST_TYPES.filter((type) => check(type, Outcome.Reject, [], ['PIPL.49']).justified);
    expect(refusable).toEqual(REQUEST_TYPES.filter((type) => type !== RequestType.WithdrawConsent));
    expect(check(RequestType.Correction, Outcome.Reject, ['1.a'])).toMatchObject({ justified: false, needsLaw: true });
  });

  it('grants deleting some information while the account stays open on the law alone: the cancellation clauses do not reach it', () => {
    for (const clause of ['face.use.3', 'face.retain.2']) {
      expect(check(RequestType.DeleteAccount, Outcome.Approve, [clause]).justified).toBe(true);
      expect(check(RequestType.DeleteData, Outcome.Approve, [clause]).justified).toBe(false);
    }
    expect(check(RequestType.DeleteData, Outcome.Approve, ['face.use.3'], ['PIPL.47']).justified).toBe(true);
    // Keeping a category needs the storage-only provision, as for an account: a dispute (3.f) alone is context.
    expect(check(RequestType.DeleteData, Outcome.Partial, ['3.f']).justified).toBe(false);
    expect(check(RequestType.DeleteData, Outcome.Partial, ['3.f'], ['ECL.31']).justified).toBe(true);
  });

  it('explains under PIPL Art. 48 whatever clause the answer concerns, and never on a clause alone', () => {
    expect(check(RequestType.Explanation, Outcome.Approve, ['face.retain.1'])).toMatchObject({ justified: false, needsLaw: true, justifyingClauses: [] });
    expect(check(RequestType.Explanation, Outcome.Approve, ['face.retain.1', '4'], ['PIPL.48']).justified).toBe(true);
    expect(check(RequestType.Explanation, Outcome.Approve, ['4'], ['PIPL.45']).justified).toBe(false);
  });

  it('transfers a copy on NDSMR Art. 25, and declines a transfer on it, but never declines a copy on a clause', () => {
    expect(check(RequestType.CopyTransfer, Outcome.Approve, [], ['NDSMR.25']).justified).toBe(true);
    expect(check(RequestType.CopyTransfer, Outcome.Partial, ['1.excl.a'], ['NDSMR.25']).justified).toBe(true);
    expect(check(RequestType.CopyTransfer, Outcome.Partial, ['1.excl', '1.excl.a', '1.excl.b', '1.excl.c']).justified).toBe(false);
    expect(check(RequestType.CopyTransfer, Outcome.Partial, [], ['PIPL.45']).justified).toBe(false);
  });

  it('is not justified by an empty citation', () => {
    expect(check(RequestType.DeleteAccount, Outcome.Approve, []).justified).toBe(false);
  });

  it('accepts context clauses next to a justifying one', () => {
    expect(check(RequestType.DeleteAccount, Outcome.Approve, ['face.retain', 'face.retain.2']).justified).toBe(true);
  });

  it('never lets a clause superseded by law carry an outcome that reduces a right, though it may carry one that grants', () => {
    // A reading in which 1.excl.a alone could justify a partial answer and face.collect.1 an approval:
    // the coverage (1.excl.a is superseded by PIPL Art. 4) still refuses the former.
    const lax = { ...rules, requests: { ...rules.requests, [RequestType.Access]: { partial: rule(['1.excl.a'], []), approve: rule(['face.collect.1'], []) } } };
    expect(SUPERSEDED.has('1.excl.a')).toBe(true);
    expect(SUPERSEDED.has('face.collect.1')).toBe(true);
    const lone = (outcome: Outcome, clause: string) => checkJustification(lax, { requestType: RequestType.Access, outcome, clauses: [clause] }, SUPERSEDED);
    expect(lone(Outcome.Partial, '1.excl.a')).toMatchObject({ justified: false, justifyingClauses: [] });
    expect(lone(Outcome.Approve, 'face.collect.1').justified).toBe(true);
    // Without the coverage the lax reading would have let it through: the standing is what refuses it.
    expect(checkJustification(lax, { requestType: RequestType.Access, outcome: Outcome.Partial, clauses: ['1.excl.a'] }).justified).toBe(true);
  });

  it('lists the decisions a clause can justify', () => {
    expect(outcomesJustifiedBy(rules, '3.c')).toEqual([
      { requestType: RequestType.DeleteAccount, outcome: Outcome.Partial },
      { requestType: RequestType.DisclosureLog, outcome: Outcome.Approve },
      { requestType: RequestType.DisclosureLog, outcome: Outcome.Partial },
      { requestType: RequestType.DisclosureLog, outcome: Outcome.Extend },
      { requestType: RequestType.DeleteData, outcome: Outcome.Partial },
    ]);
    expect(outcomesJustifiedBy(rules, '1.a')).toEqual([
      { requestType: RequestType.Access, outcome: Outcome.Approve },
      { requestType: RequestType.Correction, outcome: Outcome.Approve },
      { requestType: RequestType.CopyTransfer, outcome: Outcome.Approve },
    ]);
    expect(outcomesJustifiedBy(rules, '7.b')).toEqual([]);
  });
});

describe('checkDisclosureBasis on the rules of version 1', () => {
  const A = '11111111-1111-4111-8111-111111111111';
  const B = '22222222-2222-4222-8222-222222222222';
  const subjects = (...consents: string[][]) => consents.map((c, i) => ({ id: [A, B][i], consentsOnFile: c }));
  /** A domestic authority's instrument under 3.c and PIPL Art. 13: the baseline that passes. */
  const authority: DisclosureBasisQuery = {
    recipientKind: RecipientKind.Authority,
    recipientCountry: 'CN',
    basis: ['3.c'],
    law: ['PIPL.13'],
    categories: [DataCategory.Account],
    reference: '(2025)京0105刑初123号',
    subjects: subjects([]),
  };
  const check = (overrides: Partial<DisclosureBasisQuery>) => checkDisclosureBasis(rules, { ...authority, ...overrides });
  const missingOf = (overrides: Partial<DisclosureBasisQuery>) => check(overrides).missing.map((m) => [m.subjectId ?? '-', m.cites, m.field ?? '-']);

  it('accepts, for each kind of recipient, exactly the reviewed basis clauses', () => {
    for (const kind of Object.values(RecipientKind)) {
      expect({ kind, basis: rules.disclosures.recipients[kind]?.basis }).toEqual({ kind, basis: EXPECTED_RECIPIENT_BASIS[kind] });
    }
  });

  it('allows a domestic authority disclosure under 3.c with its instrument and PIPL Art. 13', () => {
    expect(check({})).toEqual({
      allowed: true,
      unknownClauses: [],
      unacceptableClauses: [],
      acceptableBasis: EXPECTED_RECIPIENT_BASIS[RecipientKind.Authority],
      missing: [],
    });
  });

  it("refuses an authority disclosure without the instrument's reference or without PIPL Art. 13", () => {
    expect(missingOf({ reference: null })).toEqual([['-', 'PIPL.13', 'reference']]);
    expect(missingOf({ reference: '  ' })).toEqual([['-', 'PIPL.13', 'reference']]);
    expect(missingOf({ law: [] })).toEqual([['-', 'PIPL.13', 'law']]);
  });

  it('needs the emergency described on an emergency basis (PIPL Art. 13(4))', () => {
    expect(missingOf({ basis: ['face.transfer.4'] })).toEqual([['-', 'face.transfer.4', 'emergency']]);
    expect(check({ basis: ['face.transfer.4'], emergency: '走失老人，家属报警，需定位' }).allowed).toBe(true);
  });

  it('refuses a foreign authority without the PRC approval, whatever consents are on file (PIPL Art. 41, DSL Art. 36)', () => {
    const foreign = { recipientCountry: 'US', subjects: subjects([ConsentPurpose.CrossBorder, ConsentPurpose.FaceBasic]) };
    expect(missingOf(foreign)).toEqual([['-', 'PIPL.41', 'prcApprovalRef']]);
    expect(check(foreign).missing[0].missing).toContain('Data Security Law Art. 36');
    expect(check({ ...foreign, prcApprovalRef: '司法部 (2025) 国际司法协助 12 号' }).allowed).toBe(true);
    // Hong Kong is outside mainland China for this rule too.
    expect(missingOf({ recipientCountry: 'HK' })).toEqual([['-', 'PIPL.41', 'prcApprovalRef']]);
  });

  it("lets an authority's instrument carry facial data without the facial consent", () => {
    expect(check({ categories: [DataCategory.FaceBasic] }).allowed).toBe(true);
  });

  it('refuses an authority disclosure under 3.e and names the acceptable basis', () => {
    expect(check({ basis: ['3.e'] })).toMatchObject({
      allowed: false,
      unacceptableClauses: ['3.e'],
      acceptableBasis: EXPECTED_RECIPIENT_BASIS[RecipientKind.Authority],
    });
    expect(check({ basis: ['3.c', '3.g'] })).toMatchObject({ allowed: false, unacceptableClauses: ['3.g'] });
  });

  it('refuses an unknown clause, an empty basis and an empty subject list', () => {
    expect(check({ recipientKind: RecipientKind.ComplaintParty, basis: ['3.h'] })).toMatchObject({
      allowed: false,
      unknownClauses: ['3.h'],
      unacceptableClauses: [],
    });
    expect(check({ recipientKind: RecipientKind.ComplaintParty, basis: [] }).allowed).toBe(false);
    expect(check({ subjects: [] }).allowed).toBe(false);
  });

  it('gives the other party to an IP complaint what 3.e allows, and a counterparty contact details only (3.f)', () => {
    expect(check({ recipientKind: RecipientKind.ComplaintParty, basis: ['3.e'], law: [], reference: null }).allowed).toBe(true);
    const counterparty = { recipientKind: RecipientKind.Counterparty, basis: ['3.f'], law: [] };
    expect(check(counterparty).allowed).toBe(true);
    expect(missingOf({ ...counterparty, categories: [DataCategory.Account, DataCategory.Transactions] })).toEqual([['-', '3.f', 'dataCategories']]);
  });

  it('needs the consent for that recipient and purpose for an affiliate, whatever the clause (PIPL Art. 23)', () => {
    const affiliate = { recipientKind: RecipientKind.Affiliate, basis: ['face.share.2'], law: [] };
    expect(missingOf({ ...affiliate })).toEqual([['-', 'face.share.2', 'consentPurpose']]);
    expect(missingOf({ ...affiliate, consentPurpose: ConsentPurpose.Marketing })).toEqual([['-', 'face.share.2', 'consentPurpose']]);
    expect(missingOf({ ...affiliate, consentPurpose: ConsentPurpose.AffiliateSharing, subjects: subjects([ConsentPurpose.AffiliateSharing], []) })).toEqual([
      [B, 'face.share.2', '-'],
    ]);
    expect(check({ ...affiliate, consentPurpose: ConsentPurpose.AffiliateSharing, subjects: subjects([ConsentPurpose.AffiliateSharing]) }).allowed).toBe(true);
  });

  it('needs a consent and the confidentiality agreement for a partner; face.share.3 alone carries nothing (PIPL Art. 23, face.share.4)', () => {
    const partner = { recipientKind: RecipientKind.Partner, basis: ['face.share.3'], law: [], categories: [DataCategory.Account, DataCategory.DeviceAccess] };
    expect(missingOf(partner)).toEqual([
      ['-', 'face.share.4', 'agreementRef'],
      ['-', 'PIPL.23', 'consentPurpose'],
    ]);
    const consented = {
      ...partner,
      agreementRef: 'NDA-2025-017',
      consentPurpose: ConsentPurpose.PersonalisedAds,
      subjects: subjects([ConsentPurpose.PersonalisedAds]),
    };
    expect(check(consented).allowed).toBe(true);
    // 2.c names partner_marketing only: personalised_ads does not carry it.
    expect(missingOf({ ...consented, basis: ['2.c'] })).toEqual([['-', '2.c', 'consentPurpose']]);
  });

  it("needs the subject's written consent for a credit bureau (Credit Reporting Regulations Arts. 13, 18)", () => {
    const bureau = { recipientKind: RecipientKind.CreditBureau, basis: ['face.share.5'], law: [] };
    expect(missingOf(bureau)).toEqual([['-', 'CRR.13', 'consentPurpose']]);
    expect(missingOf({ ...bureau, consentPurpose: 'new_purpose:credit_reporting' })).toEqual([[A, 'CRR.13', '-']]);
    expect(check({ ...bureau, consentPurpose: 'new_purpose:credit_reporting', subjects: subjects(['new_purpose:credit_reporting']) }).allowed).toBe(true);
  });

  it('needs a consent for that very purpose for another recipient: a new_purpose consent covers only its own', () => {
    const other = { recipientKind: RecipientKind.Other, basis: ['3.a'], law: [], consentPurpose: 'new_purpose:research_study' };
    expect(check({ ...other, subjects: subjects(['new_purpose:research_study']) }).allowed).toBe(true);
    expect(missingOf({ ...other, subjects: subjects(['new_purpose:survey']) })).toEqual([[A, '3.a', '-']]);
    expect(missingOf({ ...other, consentPurpose: ConsentPurpose.Marketing, subjects: subjects([ConsentPurpose.Marketing]) })).toEqual([
      ['-', '3.a', 'consentPurpose'],
    ]);
  });

  it('never takes 3.d alone as a basis, and never facial data as information made public', () => {
    const other = { recipientKind: RecipientKind.Other, law: [] };
    expect(missingOf({ ...other, basis: ['3.d'] })).toEqual([['-', '3.d', 'basis']]);
    expect(check({ ...other, basis: ['3.d', 'face.transfer.5'] }).allowed).toBe(true);
    expect(missingOf({ ...other, basis: ['face.transfer.5'], categories: [DataCategory.FaceBasic], subjects: subjects([ConsentPurpose.FaceBasic]) })).toEqual([
      ['-', 'face.transfer.5', 'dataCategories'],
    ]);
  });

  it("needs each subject's separate facial consent for facial data (PIPL Art. 29)", () => {
    const complaint = { recipientKind: RecipientKind.ComplaintParty, basis: ['3.e'], law: [], categories: [DataCategory.FaceAdditional] };
    expect(missingOf({ ...complaint, subjects: subjects([ConsentPurpose.FaceAdditional], [ConsentPurpose.FaceBasic]) })).toEqual([[B, 'PIPL.29', '-']]);
    expect(check({ ...complaint, subjects: subjects([ConsentPurpose.FaceAdditional]) }).allowed).toBe(true);
  });

  it('needs the transfer mechanism and its reference, separate consent and an impact assessment abroad, Hong Kong, Macao and Taiwan included (PIPL Arts. 38, 39, 55)', () => {
    const abroad = { recipientKind: RecipientKind.ComplaintParty, basis: ['3.e'], law: [], recipientCountry: 'mo' };
    expect(missingOf(abroad)).toEqual([
      ['-', 'PIPL.38', 'transferMechanism'],
      ['-', 'PIPL.38', 'transferRef'],
      ['-', 'PIPL.55', 'impactAssessmentRef'],
      [A, 'PIPL.39', '-'],
    ]);
    const lawful = { ...abroad, transferMechanism: TransferMechanism.StandardContract, transferRef: '粤网信备 2025-001', impactAssessmentRef: 'PIA-2025-03' };
    expect(missingOf(lawful)).toEqual([[A, 'PIPL.39', '-']]);
    expect(check({ ...lawful, subjects: subjects([ConsentPurpose.CrossBorder]) }).allowed).toBe(true);
    expect(missingOf({ ...lawful, transferMechanism: 'handshake', subjects: subjects([ConsentPurpose.CrossBorder]) })).toEqual([
      ['-', 'PIPL.38', 'transferMechanism'],
    ]);
    for (const country of ['HK', 'TW', '']) expect([country, check({ ...lawful, recipientCountry: country }).allowed]).toEqual([country, false]);
    expect(check({ ...abroad, recipientCountry: ' cn ' }).allowed).toBe(true);
  });
});

describe('consent purposes and data categories of version 1', () => {
  it('maps each consent purpose to its clause', () => {
    expect(Object.values(ConsentPurpose).map((purpose) => [purpose, clauseForConsentPurpose(rules, purpose)])).toEqual([
      [ConsentPurpose.FaceBasic, 'face.collect.1'],
      [ConsentPurpose.FaceAdditional, 'face.collect.2'],
      [ConsentPurpose.Marketing, '2.c'],
      [ConsentPurpose.PartnerMarketing, '2.c'],
      [ConsentPurpose.AffiliateSharing, 'face.share.2'],
      [ConsentPurpose.PersonalisedAds, 'face.share.3'],
      [ConsentPurpose.CrossBorder, 'face.retain.1'],
    ]);
    expect(clauseForConsentPurpose(rules, 'new_purpose:research_study')).toBe('face.use.6');
  });

  it('maps each data category to its clauses', () => {
    expect(Object.values(DataCategory).map((category) => [category, clausesForDataCategory(rules, category)])).toEqual([
      [DataCategory.Account, ['1.a']],
      [DataCategory.DeviceAccess, ['1.b']],
      [DataCategory.FaceBasic, ['face.collect.1']],
      [DataCategory.FaceAdditional, ['face.collect.2']],
      [DataCategory.Consents, ['face.use.3', 'face.use.6']],
      [DataCategory.PublishedContent, ['1.excl.b']],
      [DataCategory.Transactions, ['1.excl.b', '3.f']],
      [DataCategory.SearchKeywords, ['1.excl.a']],
      [DataCategory.Violations, ['1.excl.c']],
    ]);
  });
});
