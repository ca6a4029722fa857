import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { loadBundledLawCatalogue, Provision } from './law-catalogue';

export enum LawErrorCode {
  ProvisionNotFound = 'provision_not_found',
  UnknownLaw = 'unknown_law',
}

/** A provision as a decision quotes it: its text as published and where it comes from. */
export interface CitedProvision {
  id: string;
  instrument: string;
  article: string;
  text: string;
}

/**
 * The law catalogue (catalogue.yaml): loaded and checked once, when the process starts; a defect
 * stops the start. Provisions do not change while the process runs.
 */
@Injectable()
export class LawService {
  private readonly provisions: readonly Provision[];
  private readonly byId: ReadonlyMap<string, Provision>;

  constructor() {
    this.provisions = loadBundledLawCatalogue();
    this.byId = new Map(this.provisions.map((p) => [p.id, p]));
  }

  /** Every provision, in the catalogue's order. */
  all(): readonly Provision[] {
    return this.provisions;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Provision {
    const provision = this.byId.get(id);
    if (!provision) throw AppError.notFound(LawErrorCode.ProvisionNotFound, `The law catalogue has no provision ${id}`);
    return provision;
  }

  /**
   * Provisions already on record (a decision's citations) with their text, for reading back: an id
   * the catalogue no longer has is shown by its id with no text rather than hiding the decision.
   */
  quote(ids: readonly string[]): CitedProvision[] {
    return ids.map((id) => {
      const p = this.byId.get(id);
      return p ? { id, instrument: p.instrument.title, article: p.article, text: p.text } : { id, instrument: '', article: '', text: '' };
    });
  }

  /** The cited provisions with their text; 422 listing the valid ids when one is not in the catalogue. */
  cite(ids: readonly string[]): CitedProvision[] {
    const unknown = [...new Set(ids.filter((id) => !this.byId.has(id)))];
    if (unknown.length > 0)
      throw new AppError(ErrorKind.Unprocessable, LawErrorCode.UnknownLaw, `The law catalogue has no provision ${unknown.join(', ')}`, {
        unknownLaw: unknown,
        validLaw: this.ids(),
      });
    return this.quote([...new Set(ids)]);
  }
}
