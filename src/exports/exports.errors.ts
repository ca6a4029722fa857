import { AppError, ErrorKind } from '../common/errors/app-error';

export enum ExportErrorCode {
  ExportNotFound = 'export_not_found',
  ExportExpired = 'export_expired',
  CategoryRequired = 'category_required',
}

/** No such request of the caller's, or no copy ready for it: one answer (another subject's request tells nothing). */
export const exportNotFound = () =>
  AppError.notFound(
    ExportErrorCode.ExportNotFound,
    'No copy is ready for this request (it is made once the request is approved, and kept for EXPORT_DAYS days)',
  );

export const exportExpired = (expiredAt: string) =>
  new AppError(ErrorKind.Gone, ExportErrorCode.ExportExpired, 'The copy was kept for its days and then deleted; file a new request for another', { expiredAt });

export const categoryRequired = (files: string[]) =>
  new AppError(ErrorKind.BadRequest, ExportErrorCode.CategoryRequired, 'A CSV copy is one file per category: name it in `category`', {
    errors: [{ field: 'category', messages: [`category must be one of the copy's: ${files.join(', ')}`] }],
  });
