import { RefusalGround } from '../../kernel/rights-notice';
import { RequestType } from '../../policy/domain/policy.types';
import { OnBehalfRelation, SubjectRequest } from '../../requests';

/**
 * What each ground of a refusal rests on in law, and which requests it can be the ground of. A
 * refusal cites (in `law`) one of its ground's provisions; the justification rules of the policy
 * version decide, besides, whether the citation can carry a refusal of that type at all.
 *
 * - GB/T 35273-2020 §8.7: a response follows verification of the requester's identity, and of the
 *   authority of whoever acts for the subject (a guardian, a relative, an agent); a request that is
 *   unfounded or in bad faith, or repeated without reason, need not be answered.
 * - PIPL Art. 49: a near relative acts on a deceased person's information "死者生前另有安排的除外".
 * - PIPL Art. 46: the handler verifies (核实) before it corrects; information found accurate and
 *   complete is not changed.
 * - PIPL Art. 47 para. 1: while the account stays open, information is deleted at the subject's
 *   request only in the cases it lists; outside them it may be kept as long as the service needs it.
 */
export const GROUND_RULES: Readonly<Record<RefusalGround, { law: readonly string[]; appliesTo?: (request: SubjectRequest) => string | null }>> = {
  [RefusalGround.IdentityNotVerified]: { law: ['GBT35273.8.7'] },
  [RefusalGround.ManifestlyUnfounded]: { law: ['GBT35273.8.7'] },
  [RefusalGround.RepeatedRequest]: { law: ['GBT35273.8.7'] },
  [RefusalGround.AuthorityNotProven]: {
    law: ['GBT35273.8.7'],
    appliesTo: (r) => (r.details.onBehalfOf ? null : "the request was filed by the subject for themselves, not on anyone's behalf"),
  },
  [RefusalGround.DeceasedArrangedOtherwise]: {
    law: ['PIPL.49'],
    appliesTo: (r) =>
      r.details.onBehalfOf?.relation === OnBehalfRelation.RelativeOfDeceased ? null : 'only a request filed by a relative of a deceased person (PIPL Art. 49)',
  },
  [RefusalGround.InformationAccurate]: {
    law: ['PIPL.46'],
    appliesTo: (r) => (r.type === RequestType.Correction ? null : 'only a correction (PIPL Art. 46)'),
  },
  [RefusalGround.StillNecessary]: {
    law: ['PIPL.47'],
    appliesTo: (r) => (r.type === RequestType.DeleteData ? null : 'only a deletion of some data while the account stays open (PIPL Art. 47 para. 1)'),
  },
};

/** The grounds that can be this request's, for the message that asks for one. */
export function groundsFor(request: SubjectRequest): RefusalGround[] {
  return (Object.keys(GROUND_RULES) as RefusalGround[]).filter((g) => !GROUND_RULES[g].appliesTo?.(request));
}
