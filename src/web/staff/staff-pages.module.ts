import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';

/** Staff pages: the queue, a request with its decision, extension and question forms, evidence and fulfilment steps. */
@Module({
  imports: [WebCoreModule],
  controllers: [],
  providers: [],
})
export class StaffPagesModule {}
