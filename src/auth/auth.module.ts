import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AppConfig } from '../config/app-config';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { MfaSecrets } from './mfa-secrets';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { Tokens } from './tokens';

@Module({
  imports: [
    AccountsModule,
    PassportModule,
    TypeOrmModule.forFeature([Session]),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'login', ttl: 60_000, limit: config.env.LOGIN_RATE_LIMIT }] }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, SessionsRepository, Tokens, MfaSecrets, JwtStrategy, LoginThrottlerGuard, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService],
})
export class AuthModule {}
