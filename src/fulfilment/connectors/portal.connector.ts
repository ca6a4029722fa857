import { Injectable } from '@nestjs/common';
import type { DataCategory } from '../../policy/domain/policy.types';
import { Connector, ConnectorStepFailed, ConnectorTarget, CorrectionResult, EraseBatchResult } from './connector';

/** Reads one category of the portal's own records of a subject (their portal account id). */
export type PortalRecordsReader = (subjectId: string) => Promise<Record<string, unknown>[]>;

/**
 * The `portal` connector: the portal's own records (the consent ledger). The capability that
 * keeps a category's records lends its reader (`provide`) — fulfilment cannot ask it directly,
 * since that capability already depends on this one. They are exported only: kept as proof of
 * what was done (the data map allows only `keep`), never corrected here.
 */
@Injectable()
export class PortalConnector implements Connector {
  private readonly readers = new Map<DataCategory, PortalRecordsReader>();

  provide(category: DataCategory, reader: PortalRecordsReader): void {
    this.readers.set(category, reader);
  }

  async *export({ category, mapping, subjectId }: ConnectorTarget): AsyncGenerator<Record<string, unknown>[]> {
    const reader = this.readers.get(category);
    if (!reader) throw new ConnectorStepFailed('export', mapping.system.id, 'no_portal_records');
    yield await reader(subjectId);
  }

  correct({ mapping }: ConnectorTarget): Promise<CorrectionResult> {
    return Promise.reject(new ConnectorStepFailed('correct', mapping.system.id, 'not_supported'));
  }

  eraseBatch({ mapping }: ConnectorTarget): Promise<EraseBatchResult> {
    return Promise.reject(new ConnectorStepFailed('erase', mapping.system.id, 'not_supported'));
  }
}
