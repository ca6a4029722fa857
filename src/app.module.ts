import { Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { loggerParams } from './common/logging';
import { PageCursorsModule } from './common/http/page-cursor';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { prepareDatabaseAsOwner } from './database/database-roles';
import { PgClientErrors } from './database/pg-client-errors';
import { buildDataSourceOptions } from './database/typeorm-options';
import { HealthModule } from './health/health.module';
import { HoldsModule } from './holds';
import { DisclosuresModule } from './disclosures';
import { IdentityModule } from './identity';
import { ExportsModule } from './exports';
import { EndOfServiceModule } from './end-of-service';
import { ErasureModule } from './erasure';
import { CorrectionsModule } from './corrections';
import { installJobsSchema } from './jobs/jobs-schema';
import { JobsModule } from './jobs/jobs.module';
import { NotificationsModule } from './notifications/notifications.module';
import { installOperatorSchema, installOperatorSchemaAsSoleRole } from './operator-demo/operator-schema';
import { ConsentsModule } from './consents/consents.module';
import { EvidenceModule } from './evidence';
import { FulfilmentModule } from './fulfilment';
import { PolicyModule } from './policy/policy.module';
import { RequestsModule } from './requests';
import { ReviewModule } from './review/review.module';
import { SubjectsModule } from './subjects/subjects.module';
import { TransparencyModule } from './transparency';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        loggerParams({ level: config.env.LOG_LEVEL, pretty: config.env.NODE_ENV === 'development' && process.stdout.isTTY === true }),
    }),
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const { DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl } = config.env;
        // With an owner role, it migrates and grants before the portal's own role connects.
        if (ownerUrl) await prepareDatabaseAsOwner(ownerUrl, url as string, [installJobsSchema, installOperatorSchema]);
        else await installOperatorSchemaAsSoleRole(url as string);
        return { ...buildDataSourceOptions(url as string), autoLoadEntities: true, migrationsRun: !ownerUrl };
      },
    }),
    PageCursorsModule.forRoot({ inject: [AppConfig], useKey: (config: AppConfig) => config.key('page-cursors') }),
    AuditModule,
    JobsModule,
    NotificationsModule,
    AccountsModule,
    AuthModule,
    HealthModule,
    PolicyModule,
    ConsentsModule,
    FulfilmentModule,
    SubjectsModule,
    RequestsModule,
    ReviewModule,
    HoldsModule,
    DisclosuresModule,
    EvidenceModule,
    IdentityModule,
    ExportsModule,
    ErasureModule,
    EndOfServiceModule,
    CorrectionsModule,
    TransparencyModule,
    WebModule,
  ],
  providers: [PgClientErrors, { provide: APP_PIPE, useFactory: createValidationPipe }],
})
export class AppModule {}
