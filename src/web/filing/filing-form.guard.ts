import { CanActivate, ExecutionContext, HttpException, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { EMPTY } from 'rxjs';
import { AppError, ErrorKind } from '../../common/errors/app-error';
import { MAX_UPLOAD_BYTES } from '../../evidence';
import { CsrfGuard } from '../csrf.guard';
import { CORRECTION_ROWS, EVIDENCE_FIELD } from './filing-forms';

/** The text fields a filing form may carry beside its file: generous, but bounded. */
const MAX_FIELDS = 40 + CORRECTION_ROWS * 5;
/** What a multipart body may carry beside the file: the fields, the boundaries and the parts' headers. */
const MULTIPART_ALLOWANCE = 256 * 1024;

const isMultipart = (req: Request): boolean => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'multipart/form-data';

/**
 * The CSRF check of a filing form that may carry a file. Guards run before interceptors, so a
 * multipart body is read here, before the token is compared: multer (as @nestjs/platform-express
 * ships it) in memory, one file of at most MAX_UPLOAD_BYTES under `onBehalfOf.evidence` and a
 * bounded number of text fields. Then CsrfGuard compares the token with the cookie, exactly as for
 * any other form: nothing is stored before that (the file stays in memory until the handler gives
 * it to the evidence service). A form-encoded body, already read, is checked the same way.
 */
@Injectable()
export class FilingFormGuard implements CanActivate {
  private readonly csrf = new CsrfGuard();
  private readonly multipart = new (FileInterceptor(EVIDENCE_FIELD, {
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: MAX_FIELDS, parts: MAX_FIELDS + 1, fieldSize: 16 * 1024 },
  }))();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (isMultipart(req)) {
      // A body declared longer than a form with its largest file is refused before a byte is read.
      if (Number(req.headers['content-length']) > MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE) throw tooLarge();
      try {
        // Resolves once multer has read the body into req.body and req.file; the returned stream is not needed.
        await this.multipart.intercept(context, { handle: () => EMPTY });
      } catch (err) {
        throw err instanceof PayloadTooLargeException ? tooLarge() : unreadable(err);
      }
    }
    return this.csrf.canActivate(context);
  }
}

const tooLarge = () =>
  new AppError(ErrorKind.PayloadTooLarge, 'upload_too_large', `The file is larger than the limit of ${MAX_UPLOAD_BYTES} bytes (10 MiB)`, {
    limit: MAX_UPLOAD_BYTES,
  });

/** multer's refusals (another file field, too many fields, a body it cannot read) are the form's fault, never a 500. */
const unreadable = (err: unknown) =>
  new AppError(
    ErrorKind.BadRequest,
    'invalid_upload',
    err instanceof HttpException && err.getStatus() < 500 ? `The form could not be read (${err.message})` : 'The form could not be read',
  );
