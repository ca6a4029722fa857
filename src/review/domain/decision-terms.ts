import { RefusalGround } from '../../kernel/rights-notice';
import { DataCategory, ERASURE_TYPES, Outcome, RequestType } from '../../policy/domain/policy.types';
import { CorrectionItem, SubjectRequest } from '../../requests';
import {
  answerRequired,
  clausesRequired,
  groundLawRequired,
  groundNotApplicable,
  groundRequired,
  holdsRequired,
  itemsRequired,
  notApplicable,
  transferConditionsUnmet,
  transferTermsRequired,
  withheldNotAsked,
  withheldRequired,
} from '../review.errors';
import { GROUND_RULES, groundsFor } from './refusal-grounds';

/** The facts a decision records (decisionTerms), which legal's confirmation repeats as proposed. */
export const DECISION_TERMS = ['withheld', 'ground', 'holds', 'corrections', 'answer', 'transfer', 'erase'];

/** The conditions of a transfer to another handler (NDSMR Art. 25 items 1-4), as the reviewer finds them. */
export interface TransferConditions {
  identityVerified: boolean;
  providedByConsentOrContract: boolean;
  technicallyFeasible: boolean;
  noHarmToOthers: boolean;
}

/** The provision that sets the conditions of a transfer, cited by every decision on one. */
export const TRANSFER_LAW = 'NDSMR.25';

/** A decision as the reviewer asks for it, after its citations passed the policy's justification check. */
export interface DecisionAsked {
  outcome: Outcome.Approve | Outcome.Reject | Outcome.Partial;
  clauses: readonly string[];
  law: readonly string[];
  withheld?: DataCategory[];
  ground?: RefusalGround;
  holds?: string[];
  items?: number[];
  answer?: string;
  transfer?: TransferConditions;
}

/**
 * What a decision on this request records besides its citations and reason (the `data` of its
 * timeline entry), once the terms its type and outcome require hold; throws 422 naming what is
 * missing or out of place. One table of terms for every type:
 *
 * | term       | where                                                                                         |
 * |------------|-----------------------------------------------------------------------------------------------|
 * | `ground`   | every refusal; it must apply to the request and its provision be cited (GROUND_RULES)          |
 * | `withheld` | partial: required for access, disclosure log and the erasures (within what a delete_data asked);|
 * |            | optional for an explanation and a copy; derived for a correction (the items not corrected)     |
 * | `holds`    | partial erasure (delete_account, delete_data): the active holds that keep the withheld data    |
 * | `items`    | partial correction: the positions of the items corrected; an approval corrects them all        |
 * | `answer`   | explanation, approve or partial: the written answer, with at least one clause cited           |
 * | `transfer` | copy_transfer with another handler named, approve or partial: NDSMR Art. 25's conditions;      |
 * |            | approving the transfer needs all four, and either way NDSMR.25 is cited                        |
 */
export function decisionTerms(request: SubjectRequest, d: DecisionAsked): Record<string, unknown> {
  const partial = d.outcome === Outcome.Partial;
  const answered = d.outcome !== Outcome.Reject;
  const type = request.type;
  const erasure = partial && ERASURE_TYPES.includes(type);
  const correction = type === RequestType.Correction;
  const explanation = answered && type === RequestType.Explanation;
  const transferAsked = answered && type === RequestType.CopyTransfer && request.details.sendTo !== undefined;

  notAllowed(
    d.withheld !== undefined && (!partial || correction),
    'withheld',
    d.outcome,
    correction ? 'a correction withholds the items it does not list in `items`' : undefined,
  );
  notAllowed(d.ground !== undefined && d.outcome !== Outcome.Reject, 'ground', d.outcome);
  notAllowed(d.holds !== undefined && !erasure, 'holds', d.outcome);
  notAllowed(d.items !== undefined && !(partial && correction), 'items', d.outcome);
  notAllowed(d.answer !== undefined && !explanation, 'answer', d.outcome);
  notAllowed(d.transfer !== undefined && !transferAsked, 'transfer', d.outcome);

  const data: Record<string, unknown> = {};
  if (d.outcome === Outcome.Reject) Object.assign(data, refusal(request, d));
  if (correction && answered) Object.assign(data, corrections(request.details.items ?? [], d));
  if (explanation) {
    if (!d.answer?.trim()) throw answerRequired();
    if (d.clauses.length === 0) throw clausesRequired();
    data.answer = d.answer;
  }
  if (transferAsked) data.transfer = transfer(request, d);
  if (partial && !correction) {
    const declined = transferAsked && (data.transfer as { approved: boolean }).approved === false;
    const optional = type === RequestType.Explanation || declined;
    if (!optional && !d.withheld?.length) throw withheldRequired();
    if (d.withheld?.length) data.withheld = d.withheld;
  }
  if (type === RequestType.DeleteData && answered) {
    const asked = request.details.categories ?? [];
    const outside = (d.withheld ?? []).filter((c) => !asked.includes(c));
    if (outside.length > 0) throw withheldNotAsked(outside, asked);
    data.erase = asked.filter((c) => !(d.withheld ?? []).includes(c));
  }
  if (erasure) {
    if (!d.holds?.length) throw holdsRequired();
    data.holds = d.holds;
  }
  return data;
}

function notAllowed(present: boolean, field: string, outcome: string, hint?: string): void {
  if (present) throw notApplicable(field, outcome, hint);
}

/** A refusal's ground: one that can be this request's, with its provision cited. */
function refusal(request: SubjectRequest, d: DecisionAsked): Record<string, unknown> {
  if (!d.ground) throw groundRequired(groundsFor(request));
  const rule = GROUND_RULES[d.ground];
  const why = rule.appliesTo?.(request);
  if (why) throw groundNotApplicable(d.ground, why);
  if (!rule.law.some((id) => d.law.includes(id))) throw groundLawRequired(d.ground, rule.law);
  return { ground: d.ground };
}

/**
 * Exactly what a correction changes: every item on approval, the listed ones on a partial decision
 * (then the categories of the others are what is withheld, for the notice).
 */
function corrections(items: readonly CorrectionItem[], d: DecisionAsked): Record<string, unknown> {
  const chosen = d.outcome === Outcome.Partial ? d.items : undefined;
  if (d.outcome === Outcome.Partial) {
    if (!chosen?.length || chosen.length >= items.length || chosen.some((i) => i >= items.length)) throw itemsRequired(items.length);
  }
  const kept = chosen ? new Set(chosen) : null;
  const corrected = items.filter((_, i) => !kept || kept.has(i));
  const refused = items.filter((_, i) => kept && !kept.has(i));
  return {
    corrections: corrected.map(({ category, field, currentValue, correctedValue }) => ({
      category,
      field,
      ...(currentValue !== undefined && { currentValue }),
      correctedValue,
    })),
    ...(refused.length > 0 && { withheld: [...new Set(refused.map((i) => i.category))] }),
  };
}

/** The transfer to the handler the subject named: approved only with every condition met; NDSMR.25 cited either way. */
function transfer(request: SubjectRequest, d: DecisionAsked): Record<string, unknown> {
  if (!d.transfer || !d.law.includes(TRANSFER_LAW)) throw transferTermsRequired();
  const conditions = { ...d.transfer };
  const unmet = (Object.keys(conditions) as (keyof TransferConditions)[]).filter((k) => !conditions[k]);
  if (d.outcome === Outcome.Approve && unmet.length > 0) throw transferConditionsUnmet(unmet);
  return unmet.length === 0 ? { approved: true, to: request.details.sendTo, conditions } : { approved: false, conditions, unmet };
}
