import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';

/** Filing a request: registration and a form per request type, with evidence for a request filed on someone's behalf. */
@Module({
  imports: [WebCoreModule],
  controllers: [],
  providers: [],
})
export class FilingPagesModule {}
