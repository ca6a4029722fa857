import { Injectable } from '@nestjs/common';
import { StaffRequestView } from './dto/request-view.dto';
import { RequestViews } from './request-views';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

/**
 * The read port of requests for the rest of the system: a request by id, and the staff's view of
 * it (with its timeline and every cited clause's text). Changes go through RequestLifecycle.apply.
 */
@Injectable()
export class RequestReader {
  constructor(
    private readonly repo: RequestsRepository,
    private readonly views: RequestViews,
  ) {}

  find(id: string): Promise<SubjectRequest | null> {
    return this.repo.findById(id);
  }

  staffView(request: SubjectRequest, now = new Date()): Promise<StaffRequestView> {
    return this.views.forStaff(request, now);
  }
}
