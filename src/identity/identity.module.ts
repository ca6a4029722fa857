import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_DIRECTORY, SqlAppDirectory } from './app-directory';
import { CodeDispatcher } from './code-dispatcher';
import { CodeMailer } from './code-mailer';
import { IdentityController } from './identity.controller';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { LinkCodes } from './link-codes';
import { TEXT_SENDER, textSenderFor } from './sms-senders';

/**
 * The link between a portal account and the app's account. Global, like the audit trail: the
 * account's own view (GET /api/v1/me, built in auth) and the requests that act on the app's data
 * ask IdentityService, and neither of their modules needs to name this one.
 */
@Global()
@Module({
  controllers: [IdentityController],
  providers: [
    IdentityService,
    IdentityRepository,
    LinkCodes,
    CodeMailer,
    CodeDispatcher,
    { provide: APP_DIRECTORY, useClass: SqlAppDirectory },
    { provide: TEXT_SENDER, inject: [AppConfig, CodeMailer], useFactory: textSenderFor },
  ],
  exports: [IdentityService],
})
export class IdentityModule {}
