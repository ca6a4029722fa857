import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { loadBundledDataCategories } from '../policy/domain/data-categories';
import { COPY_TYPES, DATA_CATEGORIES, DataCategory, ERASURE_TYPES, RequestType } from '../policy/domain/policy.types';
import { CategoryMapping, DataMap, DataMapSettings, DataSystem, ErasureAction, loadBundledDataMap, loadDataMapFile } from './domain/data-map';

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
 * The data map (src/fulfilment/data-map.yaml, or the operator's own: DATA_MAP_FILE), read and
 * checked once when the process starts: a defect stops the start (PolicyParseError naming each
 * problem and its line), and so does an http system whose signing secret is not set.
 */
@Injectable()
export class DataMapService {
  readonly map: DataMap;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: ConfigService,
  ) {
    const declared = loadBundledDataCategories();
    const checks: DataMapSettings = { production: config.isProduction, env: this.secretSettings() };
    const file = config.env.DATA_MAP_FILE;
    this.map = file ? loadDataMapFile(file, declared, checks) : loadBundledDataMap(declared, checks);
  }

  mapping(category: DataCategory): CategoryMapping {
    return this.map.categories[category];
  }

  /**
   * The signing secret of an http system. The setting is named by the data map (`secretEnv`), so
   * it is read here by that name rather than declared in Environment; its presence and length were
   * checked when the map was read.
   */
  secretOf(system: DataSystem): string {
    const name = system.http?.secretEnv;
    const secret = name ? this.settings.get<string>(name) : undefined;
    if (!secret) throw new Error(`the signing secret of ${system.id} (${name ?? 'no setting'}) is not set`);
    return secret;
  }

  /** Every setting an http system may name: the data map's checks see whether the one it names is set. */
  private secretSettings(): Record<string, string | undefined> {
    const none: Record<string, string | undefined> = {};
    return new Proxy(none, { get: (_, key) => (typeof key === 'string' ? this.settings.get<string>(key) : undefined) });
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
