/**
 * Retry policy per job: transient failures retry with exponential backoff; failures retrying
 * cannot fix (pod not found, forbidden, invalid input) are thrown as UnrecoverableError by the
 * processors. Finished jobs are kept a day so a re-enqueue with the same id is ignored by BullMQ
 * (idempotent enqueue after a crash) instead of running twice.
 */
import type { JobsOptions } from 'bullmq';

const keep = { removeOnComplete: { age: 24 * 3600, count: 5000 }, removeOnFail: { age: 7 * 24 * 3600, count: 5000 } };

/**
 * diagnose: a probe pod may be slow to schedule or the API may blip. Queued with a priority so that
 * fixes and rollbacks (no priority: BullMQ's wait list, taken first) pass a queue full of
 * questions (cluster-capacity.ts).
 */
export const diagnoseJobOptions: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, priority: 10, ...keep };

/** apply-fix / rollback: retried only on transient errors (a conflict is an answer, not an error). */
export const changeJobOptions: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, ...keep };

const postRetry: JobsOptions = { attempts: 10, backoff: { type: 'exponential', delay: 1000 } };

/**
 * start-diagnosis (the parent and progress posts of a new question): no priority, so BullMQ's
 * wait list hands it to the post worker before every delivery waiting in the prioritized set; in a
 * flood an asker's thread appears without waiting behind the progress and reports of the
 * diagnoses already running. Retried like every post.
 */
export const startJobOptions: JobsOptions = { ...postRetry, ...keep };

/**
 * post-report: Slack outages and rate limits retry for a long time without re-running the
 * diagnosis. Prioritized (one priority for every delivery, so they keep their arrival order among
 * themselves) to let the starts pass them.
 */
export const postJobOptions: JobsOptions = { ...postRetry, priority: 5, ...keep };

/**
 * health: a summary is worth one retry; a scheduled one comes again at its next time anyway. It
 * waits in line with the diagnoses (same priority), so a burst of summaries does not pass them.
 */
export const healthJobOptions: JobsOptions = { attempts: 2, backoff: { type: 'exponential', delay: 2000 }, priority: diagnoseJobOptions.priority!, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86400 } };

/** progress updates: cheap and superseded by the next one, so kept nowhere and retried once; in line with the other deliveries. */
export const progressJobOptions: JobsOptions = { attempts: 2, priority: postJobOptions.priority!, removeOnComplete: true, removeOnFail: true };
