/**
 * `/dns schedule` and `/dns unschedule`: a recurring health summary for this channel, as a BullMQ
 * job scheduler on the cluster's queue (upsert: scheduling again replaces the schedule; Redis keeps
 * it, so it survives restarts of the app and workers).
 */
import type { HealthJobData } from '../../queue/job-data.js';
import { jobId } from '../../queue/job-id.js';
import { healthJobOptions } from '../../queue/job-options.js';
import { clusterJobNames } from '../../queue/names.js';
import { renderNotice } from '../blocks/apply-blocks.js';
import type { SlackDeps } from '../deps.js';
import { channelMention, nextRun } from './schedule-flow.js';
import { chooseCluster } from './start-diagnosis.js';
import { inviteHint } from '../poster/slack-poster.js';

/** The scheduler id of a channel's health summary (one per channel and cluster queue). */
export function healthSchedulerId(channel: string): string {
  return jobId('health-schedule', channel);
}

/** Adds, replaces or removes a channel's scheduled health summary. */
export async function schedule(
  deps: SlackDeps,
  cmd: { kind: 'schedule'; pattern: string; cluster?: string; channel?: string } | { kind: 'unschedule'; cluster?: string; channel?: string },
  channel: string,
  user: string,
): Promise<void> {
  const here = { channel };
  // The summaries go to the #channel named in the command, else to the channel it was typed in.
  const target = cmd.channel ?? channel;
  const where = target === channel ? 'this channel' : channelMention(target);
  const id = healthSchedulerId(target);
  // Anyone may schedule into the channel they are in; another channel is for the schedulers.
  if (target !== channel) {
    const refusal = await deps.schedulers.refusal(user, cmd.kind === 'schedule' ? 'schedule summaries into' : 'remove the schedules of');
    if (refusal) {
      deps.log.warn({ user, channel, target, kind: cmd.kind }, 'refused a schedule into another channel');
      return deps.poster.ephemeral(here, user, renderNotice(`:no_entry: ${refusal} Nothing was changed.`));
    }
  }
  if (cmd.kind === 'unschedule') {
    const clusters = cmd.cluster ? [cmd.cluster] : (await deps.clusters.live()).map((c) => c.name);
    const removed: string[] = [];
    for (const c of clusters) if (await deps.queues.cluster(c).removeJobScheduler(id)) removed.push(c);
    await deps.poster.post(here, renderNotice(removed.length > 0 ? `:no_bell: <@${user}> removed the scheduled DNS health summary of ${removed.join(', ')} from ${where}.` : `No scheduled DNS health summary for ${where}.`));
    return;
  }
  const choice = await chooseCluster(deps, cmd.cluster);
  if ('error' in choice) return deps.poster.ephemeral(here, user, renderNotice(`:warning: ${choice.error}`));
  const data: HealthJobData = { cluster: choice.cluster, channel: target, requestedBy: user };
  await deps.queues.cluster(choice.cluster).upsertJobScheduler(id, { pattern: cmd.pattern, tz: 'UTC' }, { name: clusterJobNames.health, data, opts: healthJobOptions });
  await deps.poster.post(here, renderNotice(`:bell: <@${user}> scheduled a DNS health summary of *${choice.cluster}* in ${where}: \`${cmd.pattern}\` (cron, UTC)${nextRun(cmd.pattern)}. \`/dns unschedule\`${target === channel ? '' : ' with the same #channel'} stops it. If dnswhy is not a member of ${where}, ${inviteHint(target)}.`));
}
