/**
 * `/dns …`: parse, ack within 3 s (usage errors and help are the ack itself, ephemeral), then work.
 */
import type { AckFn, AllMiddlewareArgs, RespondArguments, SlashCommand, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderClusters, renderHelp, renderUsageError } from '../../blocks/command-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { parseDnsCommand, type DnsCommand } from '../../command/parse-dns-command.js';
import { chooseCluster, queueStart, renderPerUserRefusal } from '../../flows/start-diagnosis.js';
import { schedule } from '../../flows/schedule-health.js';
import { showHealthSchedules } from '../../flows/schedule-flow.js';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { newJobId } from '../../../queue/job-id.js';
import { healthJobOptions } from '../../../queue/job-options.js';
import { clusterJobNames } from '../../../queue/names.js';
import type { HealthJobData } from '../../../queue/job-data.js';

/** The /dns listener. */
export function dnsCommand(deps: SlackDeps) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const parsed = parseDnsCommand(command.text ?? '');
    if (parsed.kind === 'usage-error') {
      const m = renderUsageError(parsed.message);
      return ack({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
    }
    if (parsed.kind === 'help') {
      const m = renderHelp();
      return ack({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
    }
    if (parsed.kind === 'why') return askWhy(deps, parsed, command, ack);
    await ack();
    if (parsed.kind === 'clusters') {
      await deps.poster.ephemeral({ channel: command.channel_id }, command.user_id, renderClusters(await deps.clusters.live()));
      return;
    }
    if (parsed.kind === 'health') {
      const choice = await chooseCluster(deps, parsed.cluster);
      if ('error' in choice) return deps.poster.ephemeral({ channel: command.channel_id }, command.user_id, renderNotice(`:warning: ${choice.error}`));
      if (!(await deps.pendingHealth.claim(choice.cluster, command.channel_id))) {
        return deps.poster.ephemeral({ channel: command.channel_id }, command.user_id, renderNotice(`:hourglass: A DNS health summary of *${choice.cluster}* for this channel is already on its way; it will be posted here.`));
      }
      const data: HealthJobData = { cluster: choice.cluster, channel: command.channel_id, requestedBy: command.user_id };
      try {
        await deps.queues.cluster(choice.cluster).add(clusterJobNames.health, data, { ...healthJobOptions, jobId: newJobId('health') });
      } catch (err) {
        await deps.pendingHealth.release(choice.cluster, command.channel_id);
        throw err;
      }
      return;
    }
    if (parsed.kind === 'schedules') {
      await showHealthSchedules(deps, command.channel_id, command.user_id);
      return;
    }
    if (parsed.kind === 'schedule' || parsed.kind === 'unschedule') {
      await schedule(deps, parsed, command.channel_id, command.user_id);
      return;
    }
  };
}

/**
 * `/dns why`: the asker's in-flight place is taken before the ack, so that a question over the
 * per-user limit is refused in the ack itself (Slack does not rate-limit it; an ephemeral post
 * would wait in the post queue behind the accepted questions' threads). The rest is the delivery
 * worker's (queueStart). A place is never left taken by a start that was not queued.
 */
async function askWhy(deps: SlackDeps, parsed: Extract<DnsCommand, { kind: 'why' }>, command: SlashCommand, ack: AckFn<string | RespondArguments>): Promise<void> {
  const diagnoseJobId = newJobId('diag');
  const place = await deps.running.reservePlace(command.user_id, diagnoseJobId, deps.maxDiagnosesPerUser).catch((err: Error) => {
    // Redis not answering: the delivery worker's claim still holds the limit (it will fail the same way first).
    deps.log.warn({ err: err.message }, 'could not reserve an in-flight place at the ack');
    return undefined;
  });
  if (place && !place.reserved) {
    deps.log.info({ user: command.user_id, inFlight: place.inFlight, limit: place.limit }, 'refused a diagnosis over the per-user limit');
    const m = renderPerUserRefusal(place.inFlight, place.limit, parsed.name);
    return ack({ response_type: 'ephemeral', text: m.text, blocks: m.blocks });
  }
  await ack();
  try {
    await queueStart(deps, {
      channel: command.channel_id,
      user: command.user_id,
      diagnoseJobId,
      ...(command.trigger_id ? { slackRequest: command.trigger_id } : {}),
      ...(parsed.cluster ? { cluster: parsed.cluster } : {}),
      target: { pod: parsed.pod, name: parsed.name, ...(parsed.namespace ? { namespace: parsed.namespace } : {}), ...(parsed.port ? { port: parsed.port } : {}) },
    });
  } catch (err) {
    if (place) await deps.running.releasePlace(command.user_id, diagnoseJobId).catch(() => undefined);
    throw err;
  }
}
