/**
 * Readiness conditions about the Redis every dnswhy process shares: it answers PING (required),
 * and it keeps what it holds on disk (advisory). Proposals, schedules and the post ledger live
 * only in Redis: a Redis without AOF or RDB snapshots forgets them all when it restarts.
 */
import type { Redis } from 'ioredis';
import type { QueueLogger } from '../queue/connection.js';
import type { ConditionState, Readiness } from '../ops/readiness.js';

/** What the Redis in use keeps on disk, from CONFIG GET (or INFO persistence where CONFIG is refused). */
export async function redisPersistence(redis: Redis): Promise<ConditionState> {
  try {
    const aof = ((await redis.config('GET', 'appendonly')) as string[])[1];
    const save = ((await redis.config('GET', 'save')) as string[])[1] ?? '';
    if (aof === 'yes') {
      const fsync = ((await redis.config('GET', 'appendfsync')) as string[])[1];
      return { ok: true, detail: `AOF on (appendfsync ${fsync ?? '?'}): a restart keeps proposals, schedules and the post ledger` };
    }
    if (save.trim() !== '') return { ok: true, detail: `RDB snapshots only (save ${save}): a restart loses what changed since the last snapshot; AOF (appendonly yes) loses at most a second` };
    return { ok: false, detail: 'Redis keeps nothing on disk (appendonly no, no save points): a restart loses every proposal, schedule and post ledger entry; turn on AOF (appendonly yes)' };
  } catch (err) {
    // Managed Redis services often refuse CONFIG; INFO still tells whether AOF is on.
    const info = await redis.info('persistence').catch(() => '');
    if (/^aof_enabled:1/m.test(info)) return { ok: true, detail: 'AOF on (from INFO persistence)' };
    return { ok: false, detail: `cannot tell what Redis keeps on disk (${(err as Error).message}); make sure AOF or snapshots are on, or a restart loses proposals and schedules` };
  }
}

/** Adds the Redis conditions; the persistence warning is also logged once when it is first seen. */
export function addRedisConditions(readiness: Readiness, redis: Redis, log: QueueLogger): void {
  readiness.probe('redis', async () => {
    const t = Date.now();
    const pong = await redis.ping();
    return { ok: pong === 'PONG', detail: `${pong} in ${Date.now() - t} ms` };
  }, { timeoutMs: 1000 });
  let cached: { at: number; state: ConditionState } | undefined;
  let warned = false;
  readiness.probe('redis-persistence', async () => {
    if (cached && Date.now() - cached.at < 30_000) return cached.state;
    const state = await redisPersistence(redis);
    cached = { at: Date.now(), state };
    if (!state.ok && !warned) {
      warned = true;
      log.warn({ detail: state.detail }, 'Redis persistence');
    }
    return state;
  }, { required: false, timeoutMs: 1000 });
}
