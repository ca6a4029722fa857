import { PickType } from '@nestjs/swagger';
import { DisclosuresFilterDto } from './disclosure.dto';

/** The counts' filters: a recipient kind and a date range. */
export class DisclosureStatsQueryDto extends PickType(DisclosuresFilterDto, ['kind', 'from', 'to'] as const) {}
