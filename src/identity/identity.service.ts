import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { iso } from '../common/time/iso';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { APP_DIRECTORY, type AppDirectory } from './app-directory';
import { CodeDispatcher } from './code-dispatcher';
import { contactAddress } from './contact-address';
import { ConfirmLinkDto, IdentityStatus, LinkDto, LinkedView, LinkSentView } from './dto/identity.dto';
import {
  alreadyLinked,
  alreadyLinkedElsewhere,
  appUserNotFound,
  linkLocked,
  noPendingCode,
  representedAlreadyNamed,
  tooManyCodes,
  wrongCode,
} from './identity.errors';
import { IdentityRepository, RepresentedRow } from './identity.repository';
import { LinkCodes } from './link-codes';
import { LINK_RULES, LinkChannel } from './link-rules';

/** A portal account's verified link to an app user, as other capabilities ask for it. */
export interface IdentityLink {
  appUserId: string;
  linkedAt: Date;
  channel: LinkChannel;
}

/** What a confirmation's transaction decided: the link, or the refusal to answer once it has committed. */
type Confirmation = { linkedAt: Date } | { refusal: AppError };

/**
 * The link proof: the portal account is not proof that its holder is the app user whose data a
 * request copies or erases; a code sent to the contact the operator's records hold is.
 *
 * Sending answers the same, and does the same work, whether or not an app user has the contact:
 * the directory is asked, a code drawn and hashed, the challenge written and the send audited
 * either way; only the delivery differs, and it runs after the answer (CodeDispatcher). Every
 * send, wrong code, lock and link is audited in the transaction that writes it, with the channel,
 * the outcome and counts; never the address, the code or the app user.
 */
@Injectable()
export class IdentityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: IdentityRepository,
    private readonly codes: LinkCodes,
    @Inject(APP_DIRECTORY) private readonly directory: AppDirectory,
    private readonly dispatcher: CodeDispatcher,
    private readonly audit: AuditService,
  ) {}

  /** The verified link of a portal account, or null: what a request acting on the app's data requires. */
  linkOf(subjectId: string, manager?: EntityManager): Promise<IdentityLink | null> {
    return this.repo.findLink(subjectId, manager);
  }

  /**
   * The app account whose records a request acts on: for a subject's own request, their verified
   * link; for one filed on someone's behalf, the represented person's account a reviewer named
   * (never the filer's). Otherwise the reason the records cannot be found, as a step records it.
   */
  async appUserFor(
    request: { id: string; subjectId: string; details: { onBehalfOf?: unknown } },
    manager?: EntityManager,
  ): Promise<{ appUserId: string } | { missing: 'identity_not_verified' | 'represented_person_not_linked' }> {
    if (request.details.onBehalfOf) {
      const named = await this.repo.findRepresented(request.id, manager);
      return named ? { appUserId: named.appUserId } : { missing: 'represented_person_not_linked' };
    }
    const link = await this.repo.findLink(request.subjectId, manager);
    return link ? { appUserId: link.appUserId } : { missing: 'identity_not_verified' };
  }

  /** Who was named as the represented person's app account of a request, by whom and when; null before. */
  representedOf(requestId: string): Promise<RepresentedRow | null> {
    return this.repo.findRepresented(requestId);
  }

  /**
   * Names, in the caller's transaction, the app account of the person a request was filed for, as
   * a reviewer identified it from the evidence. 422 `app_user_not_found` when the operator's
   * records hold no such user; 409 `represented_account_named` when one was named already.
   */
  async nameRepresented(manager: EntityManager, requestId: string, appUserId: string, namedBy: string, note: string): Promise<void> {
    if (!(await this.directory.exists(appUserId))) throw appUserNotFound();
    if (!(await this.repo.insertRepresented(manager, requestId, appUserId, namedBy, note))) throw representedAlreadyNamed();
  }

  /**
   * Forgets the link of a closed, pseudonymised account once nothing is left to erase through it
   * (in the caller's transaction), and the code waiting to be confirmed if any.
   */
  forget(manager: EntityManager, subjectId: string): Promise<boolean> {
    return this.repo.forget(manager, subjectId);
  }

  /** Whether an account is linked, as GET /api/v1/me shows it. */
  async statusOf(accountId: string): Promise<IdentityStatus> {
    const link = await this.repo.findLink(accountId);
    return { linked: link !== null, linkedAt: link ? iso(link.linkedAt) : null };
  }

  async sendCode(user: AuthUser, dto: LinkDto): Promise<LinkSentView> {
    const contact = contactAddress(dto.channel, dto.address);
    if (!contact.ok)
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', contact.message, { errors: [{ field: 'address', messages: [contact.message] }] });
    const link = await this.repo.findLink(user.id);
    if (link) throw alreadyLinked(link.linkedAt);

    const appUser = await this.directory.findByContact(dto.channel, contact.address);
    const code = this.codes.generate();
    const codeHash = this.codes.hash(user.id, code);
    const outcome = !appUser ? 'no_match' : this.dispatcher.canSend(dto.channel) ? 'code_sent' : 'channel_off';
    const stored = await this.dataSource.transaction(async (m) => {
      const challenge = await this.repo.replaceChallenge(m, { subjectId: user.id, channel: dto.channel, appUserRef: appUser?.appUserId ?? null, codeHash });
      if (!challenge) return { refusal: tooManyCodes(await this.repo.sendWindowEnd(m, user.id)) };
      await this.record(m, user, 'identity.code_sent', { channel: dto.channel, outcome, sendsInWindow: challenge.sendsInWindow });
      return challenge;
    });
    if ('refusal' in stored) throw stored.refusal;
    if (appUser) this.dispatcher.dispatch(dto.channel, appUser, code);
    return { status: 'sent_if_known', expiresAt: iso(stored.expiresAt) };
  }

  /**
   * Checks the code against the pending challenge, under its row lock: of two confirmations of
   * one code, the second finds it consumed. Refusals that count (a wrong code, the lock it sets)
   * commit before they are answered.
   */
  async confirm(user: AuthUser, dto: ConfirmLinkDto): Promise<LinkedView> {
    const result = await this.dataSource.transaction(async (m): Promise<Confirmation> => {
      const challenge = await this.repo.lockChallenge(m, user.id);
      if (!challenge) return { refusal: noPendingCode() };
      if (challenge.lockedUntil) return { refusal: linkLocked(challenge.lockedUntil) };
      if (!challenge.pending) return { refusal: noPendingCode() };
      const { channel, appUserRef } = challenge;

      // A challenge no app user matched takes no code at all, but is checked like any other.
      const right = this.codes.matches(user.id, dto.code, challenge.codeHash) && appUserRef !== null;
      if (!right) {
        const counted = await this.repo.countWrongTry(m, user.id);
        const attemptsLeft = counted.lockedUntil ? 0 : LINK_RULES.maxWrongTries - counted.wrongTries;
        await this.record(m, user, 'identity.code_wrong', { channel, attemptsLeft });
        if (!counted.lockedUntil) return { refusal: wrongCode(attemptsLeft) };
        await this.record(m, user, 'identity.link_locked', { channel, wrongTries: LINK_RULES.maxWrongTries, lockMinutes: LINK_RULES.lockMinutes });
        return { refusal: linkLocked(counted.lockedUntil) };
      }

      await this.repo.consumeChallenge(m, user.id);
      const holder = await this.repo.subjectLinkedTo(m, appUserRef);
      const linkedAt = holder === null ? await this.repo.insertLink(m, user.id, appUserRef, channel) : null;
      if (!linkedAt) {
        // Linked already: the app user to another account, or (a race) this account.
        const own = await this.repo.findLink(user.id, m);
        const refusal = own ? alreadyLinked(own.linkedAt) : alreadyLinkedElsewhere();
        await this.record(m, user, 'identity.link_refused', { channel, outcome: refusal.code });
        return { refusal };
      }
      await this.record(m, user, 'identity.linked', { channel });
      return { linkedAt };
    });
    if ('refusal' in result) throw result.refusal;
    return { linked: true, linkedAt: iso(result.linkedAt) };
  }

  private record(m: EntityManager, user: AuthUser, action: string, data: Record<string, unknown>): Promise<string> {
    return this.audit.record(m, { action, actor: actorOf(user), entityType: 'identity_link', entityId: user.id, subjectRef: user.subjectRef, data });
  }
}
