import { Injectable } from '@nestjs/common';
import { StaffRequestView } from './dto/request-view.dto';
import { RequestViews } from './request-views';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

/** How long after a request closes its reviewer still counts as working on its subject. */
export const REVIEWER_RECENT_DAYS = 30;

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

  /** Whether the reviewer holds, or decided, an open or recent request of this subject (REVEAL_RECENT_DAYS). */
  isReviewerOf(reviewerId: string, subjectId: string): Promise<boolean> {
    return this.repo.isReviewerOf(reviewerId, subjectId, REVIEWER_RECENT_DAYS);
  }

  staffView(request: SubjectRequest, now = new Date()): Promise<StaffRequestView> {
    return this.views.forStaff(request, now);
  }
}
