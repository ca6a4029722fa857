import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { IdentityService } from '../identity';
import { JobsService } from '../jobs/jobs.service';
import { RequestType } from '../policy/domain/policy.types';
import { RequestRecords, SubjectRequest } from '../requests';
import { ErasureStepsRepository } from './erasure-steps.repository';

export const PSEUDONYMISE_ACCOUNT_JOB = 'erasure.pseudonymise-account';

/**
 * How long after an account deletion completes its portal records are pseudonymised: the notice
 * that the deletion is done goes out first (its delivery reads the address when it sends).
 */
export const PSEUDONYMISE_AFTER_SECONDS = 3600;

/**
 * The portal's side of deleting an account (product.md, "Correction and deletion"), for a request
 * the subject filed for themselves (one filed on someone else's behalf is about another person's
 * app account, not the filer's portal account):
 * - when the deletion is approved, in the approving transaction, the account is closed: it signs in
 *   no more, and every session ends;
 * - when the erasure completes, a job pseudonymises the portal's records of the person: the account
 *   row keeps only its pseudonym, the request records lose what the person wrote or named
 *   (RequestRecords), and the verified link to the app account is forgotten once no category waits
 *   under a legal hold (the erasure of those needs it when the hold ends: HeldErasures).
 */
@Injectable()
export class AccountClosure implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly accounts: AccountsService,
    private readonly records: RequestRecords,
    private readonly identity: IdentityService,
    private readonly steps: ErasureStepsRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ requestId: string; subjectId: string }>(PSEUDONYMISE_ACCOUNT_JOB, (data) => this.pseudonymise(data.requestId, data.subjectId));
  }

  /** Whether `request` closes its filer's own account. */
  closesAccount(request: SubjectRequest): boolean {
    return request.type === RequestType.DeleteAccount && !request.details.onBehalfOf;
  }

  /** In the approving transaction. */
  async onApproval(manager: EntityManager, request: SubjectRequest): Promise<void> {
    if (this.closesAccount(request)) await this.accounts.close(manager, request.subjectId, { requestId: request.id });
  }

  /** In the completing transaction: the pseudonymisation runs if and only if the completion commits. */
  async onCompletion(manager: EntityManager, request: SubjectRequest): Promise<void> {
    if (!this.closesAccount(request)) return;
    await this.jobs.send(
      PSEUDONYMISE_ACCOUNT_JOB,
      { requestId: request.id, subjectId: request.subjectId },
      { manager, startAfter: PSEUDONYMISE_AFTER_SECONDS },
    );
  }

  /** One transaction; running it again changes nothing more. */
  async pseudonymise(requestId: string, subjectId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.accounts.pseudonymise(manager, subjectId, { requestId });
      await this.records.pseudonymiseOf(manager, subjectId);
      if (!(await this.steps.anyHeldOfSubject(subjectId, manager))) await this.identity.forget(manager, subjectId);
    });
  }

  /** After the last held category of a closed account is erased: the link is no longer needed. */
  async forgetLinkIfDone(manager: EntityManager, subjectId: string): Promise<void> {
    if (!(await this.accounts.isPseudonymised(subjectId, manager))) return;
    if (!(await this.steps.anyHeldOfSubject(subjectId, manager))) await this.identity.forget(manager, subjectId);
  }
}
