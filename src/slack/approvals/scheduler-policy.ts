/**
 * Who may schedule DNS health summaries into a channel other than the one they type in (and
 * remove such schedules): the users and user groups of DNSWHY_SCHEDULERS when set, else the
 * approvers. A summary posted into a channel is a message its members did not ask for, so it is
 * not for everyone to arrange.
 */
import type { ApproverPolicy } from './approver-policy.js';

export class SchedulerPolicy {
  /**
   * @param members - the configured schedulers (membership like approvers: user ids, groups)
   * @param configured - true when DNSWHY_SCHEDULERS was set (the message names it)
   */
  constructor(private readonly members: ApproverPolicy, private readonly configured: boolean) {}

  /**
   * Why `user` may not do it, or undefined when they may.
   * @param what - "schedule summaries into" / "remove the schedules of"
   */
  async refusal(user: string, what: string): Promise<string | undefined> {
    let allowed: boolean;
    try {
      allowed = await this.members.isApprover(user);
    } catch (err) {
      return `Could not check the ${this.configured ? 'scheduler' : 'approver'} groups (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message}); try again.`;
    }
    if (allowed) return undefined;
    return `Only ${this.configured ? 'the schedulers listed in DNSWHY_SCHEDULERS' : 'approvers'} may ${what} another channel; run the command in that channel instead.`;
  }
}
