import { RecipientKind, RECIPIENT_KINDS } from '../../policy/domain/policy.types';
import { countsAsMade, DisclosureStatus, DISCLOSURE_STATUSES } from './disclosure.types';

describe('countsAsMade', () => {
  it('counts an authority disclosure only once confirmed, every other as soon as it is recorded', () => {
    const table = RECIPIENT_KINDS.flatMap((kind) => DISCLOSURE_STATUSES.map((status) => `${kind}/${status}:${countsAsMade(kind, status)}`));
    expect(table.filter((cell) => cell.endsWith(':false'))).toEqual([
      `${RecipientKind.Authority}/${DisclosureStatus.PendingReview}:false`,
      `${RecipientKind.Authority}/${DisclosureStatus.Flagged}:false`,
    ]);
  });
});
