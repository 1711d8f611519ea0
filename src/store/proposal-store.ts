/**
 * Fix proposals, stored server-side in Redis. A Slack button carries only the
 * proposal id; everything that decides what is applied (cluster, target and its resourceVersion at
 * proposal time, the patch, the requester, the expiry) lives here. Status changes are atomic (a Lua
 * script compares and sets), so double clicks and concurrent approvers move a proposal once.
 */
import type { Redis } from 'ioredis';
import type { CorefilePatchFix, WorkloadPatchFix } from '../core/model/index.js';
import type { DiagnosisTarget } from '../core/model/diagnosis.js';
import type { ThreadRef } from '../queue/job-data.js';
import { keyPrefix } from '../queue/names.js';

/** Fixes that change the cluster (advice is only shown, never applied). */
export type ApplicableFix = CorefilePatchFix | WorkloadPatchFix;

/** `superseded`: another fix of the same report changed the picture (applied, rolled back) and this one no longer stands. */
export type ProposalStatus = 'pending' | 'applying' | 'applied' | 'rolling-back' | 'rolled-back' | 'dismissed' | 'conflict' | 'failed' | 'superseded';

/** What apply-fix kept so rollback can restore it. */
export interface AppliedRecord {
  /** resourceVersion after the patch. */
  resourceVersion?: string;
  /** The object's previous content (Corefile text, or the workload's previous template) as JSON. */
  previous: unknown;
  /** Opaque result of the remediation layer, handed back to rollback as is. */
  result: unknown;
  appliedAt: string;
}

export interface Proposal {
  id: string;
  cluster: string;
  thread: ThreadRef;
  /** The diagnosed target, to re-run the diagnosis for verification. */
  target: DiagnosisTarget;
  checkId: string;
  /** Fingerprint of the finding this fix resolves (verification: it must be gone). */
  fingerprint: string;
  fix: ApplicableFix;
  /** The object the fix patches and its resourceVersion when proposed. */
  object: { kind: string; namespace: string; name: string; resourceVersion?: string };
  requestedBy: string;
  createdAt: string;
  /** ms since epoch after which an approval is refused. */
  expiresAt: number;
  status: ProposalStatus;
  /** Last actor (approver, dismisser) and when. */
  actor?: string;
  changedAt?: string;
  applied?: AppliedRecord;
  /** ts of the message carrying the buttons. */
  messageTs?: string;
  /** The report this fix belongs to, and which of its fixes it is (finding index, fix index). */
  reportId?: string;
  slot?: { finding: number; fix: number };
  /** Set by the apply result: whether the re-run diagnosis verified the fix. */
  verified?: boolean;
  /** ts of the apply result (it carries the Rollback button). */
  resultTs?: string;
  /** What apply-fix was about to overwrite, recorded right before writing (crash recovery). */
  intent?: unknown;
}

/** Result of a status transition. */
export type TransitionResult =
  | { ok: true }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'status'; status: ProposalStatus; actor?: string };

// KEYS[1] = proposal hash, KEYS[2] = its audit list.
// ARGV = from, to, nowMs, actor, checkExpiry ('1'|'0'), ttlSeconds.
const transitionLua = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if status ~= ARGV[1] then return {'status', status, redis.call('HGET', KEYS[1], 'actor') or ''} end
if ARGV[5] == '1' then
  local exp = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
  if exp and exp < tonumber(ARGV[3]) then return {'expired'} end
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'actor', ARGV[4], 'changedAt', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[3] .. ' ' .. ARGV[4] .. ' ' .. ARGV[1] .. '->' .. ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
return {'ok'}
`;

/** Proposals are kept a week after their last change, for rollback and audit. */
const keepSeconds = 7 * 24 * 3600;

/** Reads, creates and transitions proposals. */
export class ProposalStore {
  constructor(private readonly redis: Redis) {}

  private key(id: string): string {
    return `${keyPrefix}:proposal:${id}`;
  }

  /**
   * Stores a proposal once (idempotent: a re-run of the same post job keeps the first).
   * @returns true when created, false when it already existed
   */
  async create(p: Omit<Proposal, 'status'>): Promise<boolean> {
    const key = this.key(p.id);
    const created = await this.redis.hsetnx(key, 'status', 'pending');
    if (created === 0) return false;
    await this.redis
      .multi()
      .hset(key, { data: JSON.stringify(p), expiresAt: String(p.expiresAt) })
      .expire(key, keepSeconds)
      .exec();
    return true;
  }

  /** The proposal, or undefined when unknown or evicted. */
  async get(id: string): Promise<Proposal | undefined> {
    const h = await this.redis.hgetall(this.key(id));
    if (!h.data || !h.status) return undefined;
    const base = JSON.parse(h.data) as Omit<Proposal, 'status'>;
    return {
      ...base,
      status: h.status as ProposalStatus,
      ...(h.actor ? { actor: h.actor } : {}),
      ...(h.changedAt ? { changedAt: new Date(Number(h.changedAt)).toISOString() } : {}),
      ...(h.applied ? { applied: JSON.parse(h.applied) as AppliedRecord } : {}),
      ...(h.messageTs ? { messageTs: h.messageTs } : {}),
      ...(h.verified ? { verified: h.verified === '1' } : {}),
      ...(h.resultTs ? { resultTs: h.resultTs } : {}),
      ...(h.intent ? { intent: JSON.parse(h.intent) as unknown } : {}),
    };
  }

  /**
   * Atomically moves a proposal from one status to another; only one caller can win.
   * @param checkExpiry - refuse when the proposal has expired (approvals do, failures do not)
   */
  async transition(id: string, from: ProposalStatus, to: ProposalStatus, actor: string, checkExpiry = false, now = Date.now()): Promise<TransitionResult> {
    const res = (await this.redis.eval(transitionLua, 2, this.key(id), `${this.key(id)}:audit`, from, to, String(now), actor, checkExpiry ? '1' : '0', String(keepSeconds))) as string[];
    if (res[0] === 'ok') return { ok: true };
    if (res[0] === 'missing') return { ok: false, reason: 'missing' };
    if (res[0] === 'expired') return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'status', status: res[1] as ProposalStatus, ...(res[2] ? { actor: res[2] } : {}) };
  }

  /** Records what apply-fix kept, before verification (a re-run then skips the apply). */
  async recordApplied(id: string, applied: AppliedRecord): Promise<void> {
    await this.redis.hset(this.key(id), 'applied', JSON.stringify(applied));
  }

  /** Records what apply-fix is about to overwrite, before it writes (write-ahead for crash recovery). */
  async recordIntent(id: string, previous: unknown): Promise<void> {
    await this.redis.hset(this.key(id), 'intent', JSON.stringify(previous));
  }

  /** Remembers the message carrying the proposal's buttons. */
  async setMessageTs(id: string, ts: string): Promise<void> {
    await this.redis.hset(this.key(id), 'messageTs', ts);
  }

  /** Records whether the re-run after an apply verified the fix. */
  async setVerified(id: string, verified: boolean): Promise<void> {
    await this.redis.hset(this.key(id), 'verified', verified ? '1' : '0');
  }

  /** Remembers the apply result message (its Rollback button is a click of this proposal too). */
  async setResultTs(id: string, ts: string): Promise<void> {
    await this.redis.hset(this.key(id), 'resultTs', ts);
  }

  /** The audit trail: "<ms> <actor> <from>-><to>" lines. */
  async audit(id: string): Promise<string[]> {
    return this.redis.lrange(`${this.key(id)}:audit`, 0, -1);
  }
}
