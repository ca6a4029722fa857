import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AppConfig } from '../config/app-config';
import { AccessGuard } from './access.guard';
import { AccountWriteThrottlerGuard } from './account-write-throttler.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { MfaSecrets } from './mfa-secrets';
import { PasswordStepUp } from './password-step-up';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SignInKeys } from './sign-in-keys';
import { SignInLockout } from './sign-in-lockout';
import { PostgresThrottlerStorage } from './postgres-throttler.storage';
import { throttlerOptions } from './throttling';
import { Tokens } from './tokens';
import { UnknownSignInTally } from './unknown-sign-in-tally';
import { UnknownSignInsRepository } from './unknown-sign-ins.repository';

@Module({
  imports: [
    AccountsModule,
    PassportModule,
    TypeOrmModule.forFeature([Session]),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, DataSource],
      // Counted in PostgreSQL, so that several portal processes share one allowance.
      useFactory: (config: AppConfig, dataSource: DataSource) => ({ ...throttlerOptions(config.env), storage: new PostgresThrottlerStorage(dataSource) }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    SessionsRepository,
    Tokens,
    MfaSecrets,
    JwtStrategy,
    LoginThrottlerGuard,
    SignInKeys,
    SignInLockout,
    PasswordStepUp,
    UnknownSignInsRepository,
    UnknownSignInTally,
    // In this order: the write allowance is per account, and AccessGuard establishes the account.
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: AccountWriteThrottlerGuard },
  ],
  exports: [AuthService, PasswordStepUp],
})
export class AuthModule {}
