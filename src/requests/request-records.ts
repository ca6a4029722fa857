import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OPEN_STATUSES, sqlList } from './domain/request-status';

/**
 * The request records of a person whose account was deleted (product.md, "Correction and
 * deletion"): kept, because they prove what was asked and how it was answered, but pseudonymised
 * instead of deleted. What the person wrote or named is removed: their note, the question they
 * asked, the values of a correction they asked for (the category and field stay), and whom they
 * filed for (the relation stays; the name, date of birth, statement and the key derived from them
 * go). Removed text reads as an empty string, so every view keeps its shape. Their own words on the timeline (replies, appeals) are erased, the one change the timeline
 * allows. Type, status, dates, decisions and their citations stay.
 */
@Injectable()
export class RequestRecords {
  /** In the caller's transaction; answers how many requests it changed. Requests still open are left as they are. */
  async pseudonymiseOf(manager: EntityManager, subjectId: string): Promise<number> {
    const [, count]: [unknown, number] = await manager.query(
      `UPDATE requests r
          SET details = (r.details - 'note' - 'question' - 'onBehalfOf' - 'items')
                        || CASE WHEN r.details ? 'onBehalfOf' THEN jsonb_build_object('onBehalfOf', jsonb_build_object('relation', r.details->'onBehalfOf'->'relation', 'name', '', 'evidence', '[]'::jsonb)) ELSE '{}'::jsonb END
                        || CASE WHEN jsonb_typeof(r.details->'items') = 'array'
                                THEN jsonb_build_object('items', (SELECT jsonb_agg(jsonb_build_object('category', i->'category', 'field', i->'field', 'correctedValue', '', 'explanation', '')) FROM jsonb_array_elements(r.details->'items') i))
                                ELSE '{}'::jsonb END,
              represented = CASE WHEN r.represented = '' THEN '' ELSE split_part(r.represented, ':', 1) || ':' || md5(random()::text) || md5(random()::text) END
        WHERE r.subject_id = $1 AND r.status NOT IN (${sqlList(OPEN_STATUSES)})
          AND (r.details ?| array['note', 'question', 'onBehalfOf', 'items'])`,
      [subjectId],
    );
    await manager.query(
      `UPDATE request_events e SET note = NULL
        FROM requests r
        WHERE r.id = e.request_id AND r.subject_id = $1 AND e.actor_id = $1 AND e.note IS NOT NULL AND r.status NOT IN (${sqlList(OPEN_STATUSES)})`,
      [subjectId],
    );
    return count;
  }
}
