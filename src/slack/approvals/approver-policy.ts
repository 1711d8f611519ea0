/**
 * Who may apply or roll back a fix: listed user ids, or members of listed user
 * groups (usergroups.users.list, cached briefly), and optionally never the person who asked for
 * the diagnosis.
 */
import type { WebClient } from '@slack/web-api';

export type ApprovalDecision = { ok: true } | { ok: false; reason: string };

export interface ApproverConfig {
  users: string[];
  groups: string[];
  forbidSelfApproval: boolean;
}

export class ApproverPolicy {
  private cache = new Map<string, { members: Set<string>; until: number }>();

  constructor(private readonly client: WebClient, private readonly cfg: ApproverConfig, private readonly cacheMs = 60_000) {}

  /**
   * Members of a user group, cached for cacheMs. When usergroups.users.list fails, the last list
   * seen (however old) is used rather than refusing every group approver during a Slack hiccup;
   * with no list seen yet the failure stands (a refusal, never a guess).
   */
  private async members(group: string): Promise<Set<string>> {
    const hit = this.cache.get(group);
    if (hit && hit.until > Date.now()) return hit.members;
    let res;
    try {
      res = await this.client.usergroups.users.list({ usergroup: group });
    } catch (err) {
      if (hit) {
        this.staleUses += 1;
        return hit.members;
      }
      throw err;
    }
    const members = new Set(res.users ?? []);
    this.cache.set(group, { members, until: Date.now() + this.cacheMs });
    return members;
  }

  /** How often a stale group list answered because the lookup failed (tests, logs). */
  staleUses = 0;

  /** True when the user is an approver (directly or through a group). */
  async isApprover(user: string): Promise<boolean> {
    if (this.cfg.users.includes(user)) return true;
    for (const g of this.cfg.groups) if ((await this.members(g)).has(user)) return true;
    return false;
  }

  /**
   * Decides whether `user` may approve a change requested by `requester`.
   * @param requester - who asked for the diagnosis that proposed the fix
   */
  async check(user: string, requester: string): Promise<ApprovalDecision> {
    let approver: boolean;
    try {
      approver = await this.isApprover(user);
    } catch (err) {
      // Refuse rather than guess: a failed group lookup must never grant an apply.
      return { ok: false, reason: `Could not check the approver groups (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message}); nothing was changed, try again.` };
    }
    if (!approver) {
      const who = this.cfg.users.length + this.cfg.groups.length === 0 ? 'No approver is configured (DNSWHY_APPROVERS).' : 'Ask an approver.';
      return { ok: false, reason: `You are not an approver for dnswhy fixes, so nothing was changed. ${who}` };
    }
    if (this.cfg.forbidSelfApproval && user === requester) {
      return { ok: false, reason: 'You asked for this diagnosis, and approving your own fix is not allowed here (DNSWHY_FORBID_SELF_APPROVAL). Ask another approver; nothing was changed.' };
    }
    return { ok: true };
  }
}
