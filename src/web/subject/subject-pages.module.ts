import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';

/** The subject's own pages beyond the request list: acting on a request (cancel, reply, appeal, downloads), the app account link, consents, the disclosure record; and the public transparency page. */
@Module({
  imports: [WebCoreModule],
  controllers: [],
  providers: [],
})
export class SubjectPagesModule {}
