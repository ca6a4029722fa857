import { Injectable } from '@nestjs/common';
import type { DataCategory } from '../../policy/domain/policy.types';
import { DataMapService } from '../data-map.service';
import { CategoryMapping, ConnectorKind } from '../domain/data-map';
import { ManualSteps } from '../manual-steps/manual-steps.service';
import { AwaitingConfirmation, Connector, ConnectorTarget, JsonElements, StepOperation } from './connector';
import { HttpConnector } from './http.connector';
import { ManualConnector } from './manual.connector';
import { PortalConnector, PortalRecordsReader } from './portal.connector';
import { PostgresConnector } from './postgres.connector';
import { jsonElementsOf } from './row-json';

/** The connector of each kind, and for each category the one its system names in the data map. */
@Injectable()
export class Connectors {
  private readonly byKind: Record<ConnectorKind, Connector>;

  constructor(
    private readonly dataMap: DataMapService,
    postgres: PostgresConnector,
    private readonly portal: PortalConnector,
    http: HttpConnector,
    manual: ManualConnector,
    private readonly manualSteps: ManualSteps,
  ) {
    this.byKind = { [ConnectorKind.Postgres]: postgres, [ConnectorKind.Portal]: portal, [ConnectorKind.Http]: http, [ConnectorKind.Manual]: manual };
  }

  /** The category's mapping and the connector of the system that holds it. */
  forCategory(category: DataCategory): { mapping: CategoryMapping; connector: Connector } {
    const mapping = this.dataMap.mapping(category);
    return { mapping, connector: this.byKind[mapping.system.connector] };
  }

  /**
   * The subject's rows of a category as the elements of a JSON array (JsonElements): made by the
   * system itself where its connector can, else written from the rows the connector answers.
   */
  jsonElementsOf(target: ConnectorTarget): AsyncIterable<JsonElements> {
    const connector = this.byKind[target.mapping.system.connector];
    return connector.exportJson ? connector.exportJson(target) : jsonElementsOf(connector.export(target));
  }

  /**
   * Asks at once for every manual step among `targets` (so that reviewers can confirm them side by
   * side rather than one after another), and answers those still waiting for confirmation.
   */
  async awaitingConfirmation(targets: ConnectorTarget[], operation: StepOperation): Promise<AwaitingConfirmation[]> {
    const waiting: AwaitingConfirmation[] = [];
    for (const target of targets) {
      if (target.mapping.system.connector !== ConnectorKind.Manual) continue;
      try {
        await this.manualSteps.await(target, operation);
      } catch (err) {
        if (!(err instanceof AwaitingConfirmation)) throw err;
        waiting.push(err);
      }
    }
    return waiting;
  }

  /** The capability that keeps a category of the portal's own records lends its reader here (see PortalConnector). */
  providePortalRecords(category: DataCategory, reader: PortalRecordsReader): void {
    this.portal.provide(category, reader);
  }
}
