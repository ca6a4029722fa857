import { Injectable } from '@nestjs/common';
import type { DataCategory } from '../policy/domain/policy.types';
import type { PendingErasure } from './scheduled-erasures.repository';

/** Erases one category of one subject's data in one of the operator's systems and records the outcome on the erasure (`done` or `failed`). */
export interface ErasureConnector {
  erase(erasure: PendingErasure): Promise<void>;
}

/**
 * The connector that erases each data category, as the data map (configuration, versioned in the
 * repository) will name them. No data map is configured yet, so no category has one.
 */
@Injectable()
export class ErasureConnectors {
  forCategory(_category: DataCategory): ErasureConnector | null {
    return null;
  }
}
