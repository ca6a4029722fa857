import { Injectable } from '@nestjs/common';
import { ManualSteps } from '../manual-steps/manual-steps.service';
import { Connector, ConnectorTarget, CorrectionResult, EraseBatchResult, StepOperation } from './connector';

/**
 * The `manual` connector: no connector reaches the system, so a named person does the work and a
 * reviewer confirms it (ManualSteps). Each call waits (AwaitingConfirmation) until the category's
 * step on the request is confirmed; then it answers with the confirmation, which is the proof kept.
 * A copy lists, in place of rows, the confirmation: when and the note of what was provided.
 */
@Injectable()
export class ManualConnector implements Connector {
  constructor(private readonly steps: ManualSteps) {}

  async *export(target: ConnectorTarget): AsyncGenerator<Record<string, unknown>[]> {
    const confirmation = await this.steps.await(target, StepOperation.Export);
    yield [{ manual_confirmation: { confirmedAt: confirmation.confirmedAt, note: confirmation.note } }];
  }

  async correct(target: ConnectorTarget, _field: string, value: string): Promise<CorrectionResult> {
    const confirmation = await this.steps.await(target, StepOperation.Correct);
    // The person confirmed the corrected value is held: that confirmation is the read-back.
    return { applied: true, held: value, confirmation };
  }

  async eraseBatch(target: ConnectorTarget): Promise<EraseBatchResult> {
    const confirmation = await this.steps.await(target, StepOperation.Erase);
    return { rows: 0, done: true, confirmation };
  }
}
