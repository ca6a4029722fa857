import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { ParseIdPipe } from '../common/http/validation';
import { RevealSubjectFieldDto } from './dto/reveal.dto';
import { RevealedFieldDto } from './dto/revealed-field.dto';
import { SubjectsService } from './subjects.service';

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('api/v1/staff/subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  /** The unmasked value of one field; a deliberate, audited act (policy face.use.5). */
  @Post(':id/reveal')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  reveal(@CurrentUser() staff: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: RevealSubjectFieldDto): Promise<RevealedFieldDto> {
    return this.subjects.reveal(staff, id, dto);
  }
}
