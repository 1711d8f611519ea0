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

/** Upper bound on a diagnosis; the entry (and its place in the asker's quota) expires even if nothing clears it. */
const maxRunSeconds = 900;

// Takes a place in the asker's quota (a sorted set of their job ids by start time) unless they are at
// their limit; a place already taken for this job (reserved at the ack) counts as taken.
// Returns how many they have in flight when refused, else false.
const takePlaceLua = `
local function takePlace(quota, job, ttl, limit, now)
  if redis.call('ZSCORE', quota, job) then return false end
  redis.call('ZREMRANGEBYSCORE', quota, '-inf', now - ttl * 1000)
  local n = redis.call('ZCARD', quota)
  if n >= limit then return n end
  redis.call('ZADD', quota, now, job)
  redis.call('EXPIRE', quota, ttl)
  return false
end
`;

// KEYS: the asker's quota. ARGV: job id, lifetime (s), limit, now (ms).
const reserveLua = `${takePlaceLua}
local n = takePlace(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
if n then return n end
return -1
`;

// KEYS: the question's entry, the asker's quota.
// ARGV: entry JSON, job id, user, lifetime (s), limit (0: none), now (ms), askers key prefix.
// The askers set of a joined job is named from its entry, hence the prefix rather than a key.
// Joining is free: a place reserved for this job at the ack is given back when it joins another.
const claimLua = `${takePlaceLua}
local raw = redis.call('GET', KEYS[1])
if raw then
  local running = cjson.decode(raw)
  redis.call('SADD', ARGV[7] .. running.jobId, ARGV[3])
  if running.jobId ~= ARGV[2] then redis.call('ZREM', KEYS[2], ARGV[2]) end
  return {'joined', raw}
end
local ttl = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
if limit > 0 then
  local n = takePlace(KEYS[2], ARGV[2], ttl, limit, tonumber(ARGV[6]))
  if n then return {'limited', tostring(n)} end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('SADD', ARGV[7] .. ARGV[2], ARGV[3])
redis.call('EXPIRE', ARGV[7] .. ARGV[2], ttl * 2)
return {'owner'}
`;

// KEYS: the question's entry. ARGV: the fields to set (JSON), lifetime (s). The entry's other fields are kept.
const recordStartLua = `
local raw = redis.call('GET', KEYS[1])
local entry = raw and cjson.decode(raw) or {}
for k, v in pairs(cjson.decode(ARGV[1])) do entry[k] = v end
redis.call('SET', KEYS[1], cjson.encode(entry), 'EX', tonumber(ARGV[2]))
`;

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

  private quotaKey(user: string): string {
    return `${keyPrefix}:asker-quota:${user}`;
  }

  /**
   * Claims the question for a new job, or joins the running one. Joining is free; a new job counts
   * against its asker's in-flight limit until finish(), so one person's flood cannot fill a cluster's
   * queue ahead of everyone else. All in one script: two commands of the same user at once cannot
   * both take the last place, and a joiner never joins a claim that is then refused.
   * @param start - the claiming app instance, who asked where, and the asker's in-flight limit (0 or unset: none)
   * @returns owner=true when the caller must start the job; the running diagnosis to join; or, when
   *   the asker is at their limit, how many of theirs are in flight
   */
  async claimOrJoin(
    dedupeKey: string,
    jobId: string,
    user: string,
    start: { owner?: string; channel?: string; perUserLimit?: number } = {},
  ): Promise<{ owner: true } | { owner: false; running: RunningDiagnosis } | { owner: false; inFlight: number; limit: number }> {
    const entry: RunningDiagnosis = { jobId, user, ...(start.owner ? { owner: start.owner } : {}), ...(start.channel ? { channel: start.channel } : {}) };
    const limit = start.perUserLimit ?? 0;
    const res = (await this.redis.eval(claimLua, 2, this.key(dedupeKey), this.quotaKey(user), JSON.stringify(entry), jobId, user, String(maxRunSeconds), String(limit), String(Date.now()), this.askersKey(''))) as [string, string?];
    if (res[0] === 'owner') return { owner: true };
    if (res[0] === 'limited') return { owner: false, inFlight: Number(res[1]), limit };
    return { owner: false, running: JSON.parse(res[1]!) as RunningDiagnosis };
  }

  /**
   * Takes one of the asker's in-flight places for a job before its start is queued, so that a
   * refusal can be the command's ack (the claim in the delivery worker then finds the place taken).
   * One script: two commands of the same user at once cannot both take the last place.
   * @returns reserved, or how many of theirs are in flight (nothing was taken)
   */
  async reservePlace(user: string, jobId: string, limit: number): Promise<{ reserved: true } | { reserved: false; inFlight: number; limit: number }> {
    if (limit <= 0) return { reserved: true };
    const n = Number(await this.redis.eval(reserveLua, 1, this.quotaKey(user), jobId, String(maxRunSeconds), String(limit), String(Date.now())));
    return n < 0 ? { reserved: true } : { reserved: false, inFlight: n, limit };
  }

  /** Gives back a place reserved for a job that will not run (its start was refused or never queued). */
  async releasePlace(user: string, jobId: string): Promise<void> {
    await this.redis.zrem(this.quotaKey(user), jobId);
  }

  /** How many diagnoses a user started that have not finished (queued or running). */
  async inFlight(user: string): Promise<number> {
    await this.redis.zremrangebyscore(this.quotaKey(user), '-inf', Date.now() - maxRunSeconds * 1000);
    return this.redis.zcard(this.quotaKey(user));
  }

  /**
   * Records the thread and the job payload once the parent message is posted, before the job is
   * enqueued (joiners get a link; an interrupted start can be resumed from it).
   */
  async recordStart(dedupeKey: string, jobId: string, data: DiagnoseJobData, owner?: string): Promise<void> {
    // One script: the entry's other fields (owner, asker) are merged in, and nothing written in between is lost.
    await this.redis.eval(recordStartLua, 1, this.key(dedupeKey), JSON.stringify({ jobId, thread: data.thread, data, ...(owner ? { owner } : {}) }), String(maxRunSeconds));
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
    if (!raw) return;
    const entry = JSON.parse(raw) as RunningDiagnosis;
    if (entry.jobId !== jobId) return;
    const tx = this.redis.multi().del(this.key(dedupeKey));
    if (entry.user) tx.zrem(this.quotaKey(entry.user), jobId);
    await tx.exec();
  }
}
