import { Injectable } from '@nestjs/common';
import { loadBundledDataCategories } from '../policy/domain/data-categories';
import { COPY_TYPES, DATA_CATEGORIES, DataCategory, ERASURE_TYPES, RequestType } from '../policy/domain/policy.types';
import { CategoryMapping, DataMap, ErasureAction, loadBundledDataMap } from './domain/data-map';

/** What a request will do to one category, in one system, as staff see it before deciding. */
export interface PreviewEntry {
  category: DataCategory;
  system: { id: string; connector: string; label: { 'zh-CN': string; en: string } };
  /** a copy exports it (access, copy_transfer) */
  onAccess: 'exported' | null;
  /** erasure deletes, anonymises or keeps it (delete_account, delete_data) */
  onErasure: ErasureAction | null;
  /** a correction changes these fields of it */
  onCorrection: string[] | null;
}

/**
 * The data map (src/fulfilment/data-map.yaml), read and checked once when the process starts: a
 * defect stops the start (PolicyParseError naming each problem and its line).
 */
@Injectable()
export class DataMapService {
  readonly map: DataMap = loadBundledDataMap(loadBundledDataCategories());

  mapping(category: DataCategory): CategoryMapping {
    return this.map.categories[category];
  }

  /**
   * The categories a request of this type and body touches, and what it does to each: every
   * category for a copy or an account deletion, the chosen ones for delete_data, the items' for a
   * correction, none for the others.
   */
  preview(type: RequestType, details: { categories?: DataCategory[]; items?: { category: DataCategory; field: string }[] }): PreviewEntry[] {
    const erasure = ERASURE_TYPES.includes(type);
    const touched: DataCategory[] =
      COPY_TYPES.includes(type) || type === RequestType.DeleteAccount
        ? [...DATA_CATEGORIES]
        : type === RequestType.DeleteData
          ? (details.categories ?? [])
          : type === RequestType.Correction
            ? [...new Set((details.items ?? []).map((i) => i.category))]
            : [];
    return touched.map((category) => {
      const m = this.mapping(category);
      return {
        category,
        system: { id: m.system.id, connector: m.system.connector, label: m.system.label },
        onAccess: COPY_TYPES.includes(type) ? 'exported' : null,
        onErasure: erasure ? m.erase.action : null,
        onCorrection: type === RequestType.Correction ? (details.items ?? []).filter((i) => i.category === category).map((i) => i.field) : null,
      };
    });
  }
}
