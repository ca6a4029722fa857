import { AppError } from '../common/errors/app-error';

export enum SubjectErrorCode {
  SubjectNotFound = 'subject_not_found',
}

export const subjectNotFound = () => AppError.notFound(SubjectErrorCode.SubjectNotFound, 'Subject not found');
