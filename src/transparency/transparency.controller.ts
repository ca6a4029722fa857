import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../kernel/access.decorators';
import { TransparencyQueryDto } from './dto/transparency-query.dto';
import { TransparencyReport } from './dto/transparency-report.dto';
import { TransparencyService } from './transparency.service';

/** The public statistics (face.use.4): anyone may read them, signed in or not. */
@ApiTags('transparency')
@Controller('api/v1/transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get()
  @Public()
  @ApiOkResponse({
    type: TransparencyReport,
    description: 'aggregate figures; every count from 1 to 4 is null (suppressed), 0 is shown; kept up to five minutes',
  })
  @ApiBadRequestResponse({ description: '`validation_failed` (not a date, an unknown field) or `invalid_period` (to before from, from after today)' })
  report(@Query() query: TransparencyQueryDto): Promise<TransparencyReport> {
    return this.transparency.report(query);
  }
}
