import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service';

/** Global: any capability registers and sends background work through JobsService. */
@Global()
@Module({
  providers: [JobsService],
  exports: [JobsService],
})
export class JobsModule {}
