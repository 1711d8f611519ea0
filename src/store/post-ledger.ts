/**
 * Idempotent posting: every message a job posts is keyed by job id + step. A re-run of the job
 * (retry, or a stalled job picked up after a worker died) finds the ts and skips the post.
 * `reserve` marks a post as started; a reservation without a ts means a previous run may have
 * posted and died before recording, and the poster then looks for the message in the thread
 * (by its metadata) before posting again.
 */
import type { Redis } from 'ioredis';
import { keyPrefix } from '../queue/names.js';

const keepSeconds = 7 * 24 * 3600;

// KEYS[1] = progress key; ARGV = done ('inf' = final), ttl. Returns 1 when advanced.
const advanceLua = `
local cur = redis.call('GET', KEYS[1])
if cur == 'inf' then return 0 end
if ARGV[1] ~= 'inf' and cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
`;

// KEYS[1] = post key; ARGV = now (ms), ttl. The recorded ts, else reserves (fresh or retry) in the same step.
const claimLua = `
local ts = redis.call('HGET', KEYS[1], 'ts')
if ts then return {'known', ts} end
local n = redis.call('HSETNX', KEYS[1], 'reservedAt', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
if n == 1 then return {'fresh'} end
return {'retry'}
`;

export class PostLedger {
  constructor(private readonly redis: Redis) {}

  private key(postKey: string): string {
    return `${keyPrefix}:posted:${postKey}`;
  }

  /** ts recorded for a post key, if it was posted. */
  async get(postKey: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key(postKey), 'ts')) ?? undefined;
  }

  /**
   * Marks a post as started.
   * @returns 'fresh' on the first attempt, 'retry' when an earlier attempt started and did not record a ts
   */
  async reserve(postKey: string): Promise<'fresh' | 'retry'> {
    const n = await this.redis.hsetnx(this.key(postKey), 'reservedAt', String(Date.now()));
    await this.redis.expire(this.key(postKey), keepSeconds);
    return n === 1 ? 'fresh' : 'retry';
  }

  /**
   * get() and reserve() in one script (one round trip, and no other run can record between them).
   * @returns the ts when the post was recorded; else 'fresh' or 'retry' as reserve() says
   */
  async claim(postKey: string): Promise<{ ts: string } | 'fresh' | 'retry'> {
    const res = (await this.redis.eval(claimLua, 1, this.key(postKey), String(Date.now()), String(keepSeconds))) as [string, string?];
    return res[0] === 'known' ? { ts: res[1]! } : (res[0] as 'fresh' | 'retry');
  }

  /**
   * Moves a progress message forward: true when `done` (a sequence number) is past what it shows (progress jobs may
   * be delivered out of order; the final state is written with Infinity and never overwritten).
   */
  async advanceProgress(progressTs: string, done: number): Promise<boolean> {
    const res = await this.redis.eval(advanceLua, 1, `${keyPrefix}:progress:${progressTs}`, done === Infinity ? 'inf' : String(done), String(keepSeconds));
    return res === 1;
  }

  /** Records the ts of a delivered post. */
  async record(postKey: string, ts: string): Promise<void> {
    await this.redis.multi().hset(this.key(postKey), 'ts', ts).expire(this.key(postKey), keepSeconds).exec();
  }
}
