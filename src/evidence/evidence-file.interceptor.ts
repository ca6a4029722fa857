import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import { FileInterceptor, type MulterModuleOptions } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { AppError } from '../common/errors/app-error';
import { invalidUpload, uploadTooLarge } from './evidence.errors';
import { MAX_UPLOAD_BYTES } from './upload-kind';

/** The form field the file comes in. */
export const FILE_FIELD = 'file';

/** The file multer hands the route (memory storage): its bytes and what the client declared of it. */
export interface ReceivedFile {
  fieldname: string;
  /** The client's name for it: never stored, logged or echoed. */
  originalname: string;
  /** The part's declared Content-Type: the client's word, checked against the content. */
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/**
 * One part, a file named `file` of at most 10 MiB, and nothing else: a text field, a second file
 * or a third part fails the request. Without `storage` or `dest`, multer keeps the file in memory
 * (its MemoryStorage): the bytes go to the database, never to a disk.
 */
const MULTER_OPTIONS: MulterModuleOptions = {
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 0, parts: 2 },
};

/**
 * What a multipart body may carry beside the file: the boundaries and the part's headers. A body
 * declared longer than the file limit and this is refused before a byte of it is read.
 */
const MULTIPART_ALLOWANCE = 64 * 1024;

/**
 * Nest's FileInterceptor (multer) with its refusals made the upload's own: a file over the limit
 * is 413 `upload_too_large`; anything else multer or its parser refuses (another field, a second
 * file, a part under another name, a body that is not well-formed multipart) is 400
 * `invalid_upload`, never a 500. Only errors of reading the body are translated: what the route
 * itself throws passes through untouched.
 */
@Injectable()
export class EvidenceFileInterceptor implements NestInterceptor {
  private readonly files = new (FileInterceptor(FILE_FIELD, MULTER_OPTIONS))();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const declared = Number(context.switchToHttp().getRequest<Request>().headers['content-length']);
    if (declared > MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE) throw uploadTooLarge();
    try {
      // Resolves once multer has read the body; the route's own answer (or error) comes later, through the observable.
      return await this.files.intercept(context, next);
    } catch (err) {
      throw refusalOf(err);
    }
  }
}

function refusalOf(err: unknown): Error {
  if (err instanceof AppError) return err;
  if (err instanceof PayloadTooLargeException) return uploadTooLarge();
  // multer's limits and busboy's known failures come as 400s whose message is the parser's own
  // ("Too many fields", "Multipart: Boundary not found"); an unknown parser error is not echoed.
  if (err instanceof HttpException && err.getStatus() < 500) return invalidUpload(err.message);
  return invalidUpload();
}
