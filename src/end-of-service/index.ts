// The door of the end of service: the app module imports the module; tests and the benchmark run it.
export { EndOfServiceModule } from './end-of-service.module';
export { EndOfService, END_OF_SERVICE_JOB, END_NOTICE_DAYS } from './end-of-service.service';
export { CancelEndDto, ScheduleEndDto } from './dto/end-of-service.dto';
