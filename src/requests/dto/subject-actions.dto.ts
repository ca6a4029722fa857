import { IsString, MaxLength, MinLength } from 'class-validator';

export class ReplyDto {
  /** your answer to staff's question */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  message: string;
}

export class AppealDto {
  /** why the rejection should be reconsidered */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  statement: string;
}
