import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import type { RequestView } from './dto/request-view.dto';
import type { Submission } from './requests.service';

/**
 * A submission answers 201 with the new request, or 200 with the request an Idempotency-Key made
 * earlier (api.md): the status is HTTP's business, so it is set here and not in the service.
 */
@Injectable()
export class SubmissionStatusInterceptor implements NestInterceptor<Submission, RequestView> {
  intercept(context: ExecutionContext, next: CallHandler<Submission>): Observable<RequestView> {
    return next.handle().pipe(
      map((submission) => {
        context
          .switchToHttp()
          .getResponse<Response>()
          .status(submission.replayed ? HttpStatus.OK : HttpStatus.CREATED);
        return submission.request;
      }),
    );
  }
}
