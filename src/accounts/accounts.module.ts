import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { DemoAccounts } from './demo-accounts';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [AccountsController],
  providers: [AccountsRepository, AccountsService, PasswordHasher, DemoAccounts],
  exports: [AccountsRepository, AccountsService, PasswordHasher, DemoAccounts],
})
export class AccountsModule {}
