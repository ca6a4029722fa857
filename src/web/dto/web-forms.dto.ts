import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { LoginDto, MfaLoginDto } from '../../auth/dto/auth.dto';
import { WEB_LOCALES, type WebLocale } from '../web-locale';

/** Every form of the portal carries the CSRF token (checked by CsrfGuard; declared here so validation admits it). */
export class CsrfFormDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** The sign-in form: the API's LoginDto (one rule for both) and the token. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin pattern takes a constructor of any[]
type DtoClass = new (...args: any[]) => object;

/** An API DTO as a form of the portal: the same fields and rules, and the CSRF token. */
export function withToken<T extends DtoClass>(dto: T) {
  class FormDto extends dto {
    @IsString()
    @MaxLength(100)
    _csrf: string;
  }
  return FormDto;
}

export class LoginFormDto extends LoginDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** The second-factor form: the API's MfaLoginDto and the token. */
export class MfaFormDto extends MfaLoginDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

export class LanguageFormDto extends CsrfFormDto {
  @IsIn(WEB_LOCALES)
  lang: WebLocale;

  /** the page to go back to: a path of the portal, never another site */
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/^\/(?![/\\])[A-Za-z0-9/._~%-]*$/, { message: 'next must be a path of this portal' })
  next: string;
}
