import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NoticeDeliveryJob } from './notice-delivery.job';
import { NoticeMailer } from './notice-mailer';
import { NotificationDeliverer } from './notification-deliverer';
import { Notification } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/**
 * Global, like the audit trail: requests, review, fulfilment and policy publishing all enqueue
 * notices inside their own transactions. Needs JobsModule (global) for delivery.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification])],
  providers: [NotificationsRepository, NotificationsService, NoticeMailer, NotificationDeliverer, NoticeDeliveryJob],
  exports: [NotificationsService, NotificationDeliverer],
})
export class NotificationsModule {}
