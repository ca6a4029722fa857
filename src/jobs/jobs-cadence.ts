/**
 * How often the job queue looks for work. Production runs DEFAULT_JOBS_CADENCE; a test app may
 * provide JOBS_CADENCE (an optional injection of JobsService) to have cron schedules evaluated
 * and handed to their queue within a second or two instead of waiting up to half a minute.
 */
export interface JobsCadence {
  /** How often an idle worker asks for a job; a send from the same process wakes it at once. */
  pollingSeconds: number;
  /**
   * How often a process that works the queues looks for due cron schedules. pg-boss lets one
   * process of all evaluate them per interval (it stamps the time in the database).
   */
  cronMonitorSeconds: number;
  /** How often the jobs of due schedules are moved into their queues (pg-boss's default: 5 s). */
  cronWorkerSeconds: number;
}

export const JOBS_CADENCE = Symbol('JOBS_CADENCE');

export const DEFAULT_JOBS_CADENCE: Readonly<JobsCadence> = Object.freeze({
  pollingSeconds: 2,
  // A newly registered schedule is first evaluated within 10 s (pg-boss: 30 s).
  cronMonitorSeconds: 10,
  cronWorkerSeconds: 5,
});
