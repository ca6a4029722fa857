import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../kernel/access.decorators';
import { ProvisionParamDto, ProvisionView } from './dto/law.dto';
import { LawService } from './law.service';

/** The law is public, like the policy: anyone may read what a decision cites. */
@ApiTags('law')
@Controller('api/v1/law')
export class LawController {
  constructor(private readonly law: LawService) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: [ProvisionView] })
  list(): ProvisionView[] {
    return [...this.law.all()];
  }

  @Get(':id')
  @Public()
  @ApiOkResponse({ type: ProvisionView })
  one(@Param() p: ProvisionParamDto): ProvisionView {
    return this.law.get(p.id);
  }
}
