/**
 * Helpers of the health schedules (`/dns schedule`, `/dns unschedule`, `/dns schedules`): how a
 * target channel is shown, when a schedule runs next, and the list of the health schedulers on the
 * live clusters' queues (BullMQ keeps them in Redis; nothing else to store).
 */
import { parseScheduleSpec } from '../../core/health/schedule-spec.js';
import type { HealthJobData } from '../../queue/job-data.js';
import { clusterJobNames } from '../../queue/names.js';
import type { RenderedMessage } from '../blocks/block-types.js';
import { blockLimits } from '../blocks/limits.js';
import { escapeMrkdwn, slackDate, truncate } from '../blocks/text.js';
import type { SlackDeps } from '../deps.js';

/** `<#C123>` for a channel id (Slack renders the name), `#name` as typed otherwise. */
export function channelMention(channel: string): string {
  return channel.startsWith('#') ? escapeMrkdwn(channel) : `<#${channel}>`;
}

/** "; next run <date>" for a cron pattern (UTC), or '' when it cannot be computed. */
export function nextRun(pattern: string, now: Date = new Date()): string {
  const r = parseScheduleSpec(pattern, now);
  return r.ok && r.spec.next ? `; next run ${slackDate(r.spec.next)}` : '';
}

/** One health schedule as listed. */
export interface HealthScheduleEntry {
  cluster: string;
  channel: string;
  pattern: string;
  next?: string;
  requestedBy?: string;
}

/** Health schedulers on the queues of the given clusters. */
export async function listHealthSchedules(deps: Pick<SlackDeps, 'queues'>, clusters: string[]): Promise<HealthScheduleEntry[]> {
  const out: HealthScheduleEntry[] = [];
  for (const cluster of clusters) {
    const list = await deps.queues.cluster(cluster).getJobSchedulers(0, -1, true);
    for (const s of list) {
      if (s.name !== clusterJobNames.health || !s.pattern) continue;
      const data = s.template?.data as Partial<HealthJobData> | undefined;
      out.push({
        cluster,
        channel: data?.channel ?? '?',
        pattern: s.pattern,
        ...(s.next ? { next: new Date(s.next).toISOString() } : {}),
        ...(data?.requestedBy ? { requestedBy: data.requestedBy } : {}),
      });
    }
  }
  return out.sort((a, b) => a.channel.localeCompare(b.channel) || a.cluster.localeCompare(b.cluster));
}

/** The list as a message (one section; cut with a note past Slack's limit). */
export function renderHealthSchedules(entries: HealthScheduleEntry[]): RenderedMessage {
  if (entries.length === 0) {
    const text = 'No scheduled DNS health summary. Add one with `/dns schedule daily 09:00 [CLUSTER] [#channel]`.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const lines = entries.map(
    (e) => `• ${channelMention(e.channel)}: *${escapeMrkdwn(e.cluster)}* \`${e.pattern}\` (UTC)${e.next ? `, next ${slackDate(e.next)}` : ''}${e.requestedBy ? `, set by <@${e.requestedBy}>` : ''}`,
  );
  const body = truncate(`*Scheduled DNS health summaries*\n${lines.join('\n')}`, blockLimits.sectionText, 'too many to list').text;
  return { text: `${entries.length} scheduled DNS health summar${entries.length === 1 ? 'y' : 'ies'}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

/** `/dns schedules`: answers the asker (ephemeral) with the schedules of every live cluster. */
export async function showHealthSchedules(deps: SlackDeps, channel: string, user: string): Promise<void> {
  const clusters = (await deps.clusters.live()).map((c) => c.name);
  await deps.poster.ephemeral({ channel }, user, renderHealthSchedules(await listHealthSchedules(deps, clusters)));
}
