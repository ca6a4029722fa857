import { IsISO8601, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ApiNullableModel } from '../../common/openapi';

export class ScheduleEndDto {
  /** when operations end: at least 30 days from now (face.retain.3 asks for notice ahead), at most 5 years */
  @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 date-time' })
  endsAt: string;

  /** why the service ends, as the subjects' notice and the record will say it */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}

export class CancelEndDto {
  /** why the end is called off */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}

export class EndProgressView {
  /** subjects when the erasure started (null before) */
  total: number | null;
  /** erased and closed */
  done: number;
  /** closed, with categories a legal hold keeps until it ends (erased then, by the hourly run) */
  kept: number;
  /** a step failed: tried again by the hourly run; the log and the record give the system and the code */
  failed: number;
  /** not reached yet */
  remaining: number | null;
}

export class EndScheduleView {
  id: string;
  endsAt: string;
  reason: string;
  scheduledBy: string;
  scheduledAt: string;
  /** subjects notified when it was scheduled */
  notified: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export class EndOfServiceView {
  @ApiNullableModel(EndScheduleView, 'the standing schedule; null when none')
  schedule: EndScheduleView | null;
  @ApiNullableModel(EndProgressView, 'the erasure on the date; null when nothing is scheduled')
  progress: EndProgressView | null;
}
