/**
 * Diagnoses in flight, by cluster + pod + name + port: the same question asked again while one runs
 * joins it (one job; every asker is mentioned when the report lands).
 *
 * Each entry also records how far its start got, so that an app process dying in the middle of
 * starting one (after posting the thread, before enqueuing the job) neither loses the question nor
 * blocks it: the entry names its owner (an app instance with a heartbeat), and once the thread is
 * posted it holds the complete job payload. Another app instance that finds an entry whose owner
 * is gone and whose job does not exist enqueues that payload (the diagnosis continues in its thread)
 * or, when no thread was posted yet, removes the entry (resume-diagnoses.ts).
 */
import type { Redis } from 'ioredis';
import type { DiagnoseJobData, ThreadRef } from '../queue/job-data.js';
import { keyPrefix } from '../queue/names.js';
import { shortHash } from '../queue/job-id.js';

/** A diagnosis in flight. */
export interface RunningDiagnosis {
  jobId: string;
  thread?: ThreadRef;
  /** The app instance starting it (until its job is enqueued). */
  owner?: string;
  /** Who asked and where, to tell them if the start was interrupted. */
  user?: string;
  channel?: string;
  /** The job payload, once the thread is posted and the job about to be enqueued. */
  data?: DiagnoseJobData;
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
   * @param start - the claiming app instance, and who asked where
   * @returns owner=true when the caller must start the job; otherwise the running diagnosis
   */
  async claimOrJoin(dedupeKey: string, jobId: string, user: string, start: { owner?: string; channel?: string } = {}): Promise<{ owner: true } | { owner: false; running: RunningDiagnosis }> {
    const entry: RunningDiagnosis = { jobId, user, ...(start.owner ? { owner: start.owner } : {}), ...(start.channel ? { channel: start.channel } : {}) };
    const claimed = await this.redis.set(this.key(dedupeKey), JSON.stringify(entry), 'EX', maxRunSeconds, 'NX');
    if (claimed === 'OK') {
      await this.redis.multi().sadd(this.askersKey(jobId), user).expire(this.askersKey(jobId), maxRunSeconds * 2).exec();
      return { owner: true };
    }
    const raw = await this.redis.get(this.key(dedupeKey));
    if (!raw) return this.claimOrJoin(dedupeKey, jobId, user, start); // finished in between: try again
    const running = JSON.parse(raw) as RunningDiagnosis;
    await this.redis.sadd(this.askersKey(running.jobId), user);
    return { owner: false, running };
  }

  /**
   * Records the thread and the job payload once the parent message is posted, before the job is
   * enqueued (joiners get a link; an interrupted start can be resumed from it).
   */
  async recordStart(dedupeKey: string, jobId: string, data: DiagnoseJobData, owner?: string): Promise<void> {
    const raw = await this.redis.get(this.key(dedupeKey));
    const prev = raw ? (JSON.parse(raw) as RunningDiagnosis) : { jobId };
    const entry: RunningDiagnosis = { ...prev, jobId, thread: data.thread, data, ...(owner ? { owner } : {}) };
    await this.redis.set(this.key(dedupeKey), JSON.stringify(entry), 'EX', maxRunSeconds);
  }

  /** Every entry (a SCAN; used by the resumer, a few at a time). */
  async *entries(): AsyncGenerator<{ dedupeKey: string; entry: RunningDiagnosis }> {
    let cursor = '0';
    const prefix = this.key('');
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      cursor = next;
      for (const k of keys) {
        const raw = await this.redis.get(k);
        if (raw) yield { dedupeKey: k.slice(prefix.length), entry: JSON.parse(raw) as RunningDiagnosis };
      }
    } while (cursor !== '0');
  }

  /** Hands an entry to a new owner (only if it is still the same job's). */
  async adopt(dedupeKey: string, jobId: string, owner: string): Promise<void> {
    const raw = await this.redis.get(this.key(dedupeKey));
    if (!raw) return;
    const entry = JSON.parse(raw) as RunningDiagnosis;
    if (entry.jobId !== jobId) return;
    await this.redis.set(this.key(dedupeKey), JSON.stringify({ ...entry, owner }), 'KEEPTTL');
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
