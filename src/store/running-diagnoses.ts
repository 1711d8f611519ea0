/**
 * Diagnoses in flight, by cluster + pod + name + port: the same question asked again while one runs
 * joins it (one job; every asker is mentioned when the report lands).
 */
import type { Redis } from 'ioredis';
import type { ThreadRef } from '../queue/job-data.js';
import { keyPrefix } from '../queue/names.js';
import { shortHash } from '../queue/job-id.js';

/** A diagnosis in flight. */
export interface RunningDiagnosis {
  jobId: string;
  thread?: ThreadRef;
}

/** Upper bound on a diagnosis; the entry expires even if nothing clears it. */
const maxRunSeconds = 900;

export class RunningDiagnoses {
  constructor(private readonly redis: Redis) {}

  /** The de-duplication key of a question. */
  static keyFor(cluster: string, pod: string, name: string, port?: number): string {
    return shortHash(`${cluster}|${pod}|${name.toLowerCase().replace(/\.$/, '')}|${port ?? ''}`);
  }

  private key(dedupeKey: string): string {
    return `${keyPrefix}:running:${dedupeKey}`;
  }

  private askersKey(jobId: string): string {
    return `${keyPrefix}:askers:${jobId}`;
  }

  /**
   * Claims the question for a new job, or joins the running one.
   * @returns owner=true when the caller must start the job; otherwise the running diagnosis
   */
  async claimOrJoin(dedupeKey: string, jobId: string, user: string): Promise<{ owner: true } | { owner: false; running: RunningDiagnosis }> {
    const claimed = await this.redis.set(this.key(dedupeKey), JSON.stringify({ jobId }), 'EX', maxRunSeconds, 'NX');
    if (claimed === 'OK') {
      await this.redis.multi().sadd(this.askersKey(jobId), user).expire(this.askersKey(jobId), maxRunSeconds * 2).exec();
      return { owner: true };
    }
    const raw = await this.redis.get(this.key(dedupeKey));
    if (!raw) return this.claimOrJoin(dedupeKey, jobId, user); // finished in between: try again
    const running = JSON.parse(raw) as RunningDiagnosis;
    await this.redis.sadd(this.askersKey(running.jobId), user);
    return { owner: false, running };
  }

  /** Records the thread once the parent message is posted (joiners get a link). */
  async setThread(dedupeKey: string, jobId: string, thread: ThreadRef): Promise<void> {
    await this.redis.set(this.key(dedupeKey), JSON.stringify({ jobId, thread }), 'EX', maxRunSeconds);
  }

  /** Everyone who asked this question while the job ran. */
  async askers(jobId: string): Promise<string[]> {
    return (await this.redis.smembers(this.askersKey(jobId))).sort();
  }

  /** Ends the entry (only if it still belongs to this job). */
  async finish(dedupeKey: string, jobId: string): Promise<void> {
    const raw = await this.redis.get(this.key(dedupeKey));
    if (raw && (JSON.parse(raw) as RunningDiagnosis).jobId === jobId) await this.redis.del(this.key(dedupeKey));
  }
}
