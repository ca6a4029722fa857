import { Body, Controller, Get, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AnyRole, ClientAddress, CurrentUser, Public } from '../kernel/access.decorators';
import { NoFieldsPipe } from '../common/http/no-fields.pipe';
import { AllowDuringMfaEnrolment } from './access.guard';
import type { AuthUser } from '../kernel/auth-user';
import { AuthService } from './auth.service';
import { LoginDto, MfaCodeDto, MfaLoginDto, RegisterDto } from './dto/auth.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { SessionCookieInterceptor } from './session-cookie.interceptor';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/register')
  @Public()
  @UseGuards(LoginThrottlerGuard)
  register(@Body() dto: RegisterDto) {
    return this.auth.register(dto);
  }

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @UseInterceptors(SessionCookieInterceptor)
  login(@Body() dto: LoginDto, @ClientAddress() client: string) {
    return this.auth.login(dto, client);
  }

  @Post('auth/mfa')
  @HttpCode(200)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @UseInterceptors(SessionCookieInterceptor)
  mfa(@Body() dto: MfaLoginDto, @ClientAddress() client: string) {
    return this.auth.completeMfaLogin(dto, client);
  }

  @Post('auth/logout')
  @HttpCode(200)
  @AnyRole()
  @AllowDuringMfaEnrolment()
  @ApiBearerAuth()
  @UseInterceptors(SessionCookieInterceptor)
  logout(@CurrentUser() user: AuthUser, @Body(NoFieldsPipe) _body: unknown) {
    return this.auth.logout(user);
  }

  @Get('me')
  @AnyRole()
  @AllowDuringMfaEnrolment()
  @ApiBearerAuth()
  me(@CurrentUser() user: AuthUser) {
    return this.auth.me(user);
  }

  @Post('auth/mfa/enrol')
  @AnyRole()
  @AllowDuringMfaEnrolment()
  @ApiBearerAuth()
  startMfaEnrolment(@CurrentUser() user: AuthUser, @Body(NoFieldsPipe) _body: unknown) {
    return this.auth.startMfaEnrolment(user);
  }

  @Post('auth/mfa/enrol/confirm')
  @HttpCode(200)
  @AnyRole()
  @AllowDuringMfaEnrolment()
  @ApiBearerAuth()
  confirmMfaEnrolment(@CurrentUser() user: AuthUser, @Body() dto: MfaCodeDto) {
    return this.auth.confirmMfaEnrolment(user, dto.code);
  }
}
