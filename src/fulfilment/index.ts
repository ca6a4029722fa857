// The door of the fulfilment capability: what other folders may use of it.
export { FulfilmentModule } from './fulfilment.module';
export { ErasureSchedule } from './erasure-schedule';
export { ERASE_JOB } from './erase.job';
export { ErasureCause, ErasureStatus } from './erasure.types';
export type { ScheduledErasure, ScheduleErasureInput } from './erasure.types';
export { DataMapService } from './data-map.service';
export type { PreviewEntry } from './data-map.service';
export { ConnectorKind, ErasureAction, KEYSET_BATCH_ROWS } from './domain/data-map';
export { OperatorDatabase, OPERATOR_TIMEOUTS } from './operator-database';
export type { OperatorTimeouts } from './operator-database';
export { Connectors } from './connectors/connectors';
export { AwaitingConfirmation, ConnectorStepFailed, StepOperation } from './connectors/connector';
export type { Connector, ConnectorTarget, CorrectionResult, EraseBatchResult, ManualConfirmation } from './connectors/connector';
export type { PortalRecordsReader } from './connectors/portal.connector';
export { ErasureConnectors } from './erasure-connectors';
export type { ActiveHoldsReader } from './erasure-connectors';
export { ManualSteps } from './manual-steps/manual-steps.service';
export { ConfirmStepDto, ManualStepView } from './manual-steps/dto/confirm-step.dto';
