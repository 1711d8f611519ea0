/**
 * `/dns …`: parse, ack within 3 s (usage errors and help are the ack itself, ephemeral), then work.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderClusters, renderHelp, renderUsageError } from '../../blocks/command-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { parseDnsCommand } from '../../command/parse-dns-command.js';
import { chooseCluster, queueStart } from '../../flows/start-diagnosis.js';
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
    await queueStart(deps, {
      channel: command.channel_id,
      user: command.user_id,
      ...(command.trigger_id ? { slackRequest: command.trigger_id } : {}),
      ...(parsed.cluster ? { cluster: parsed.cluster } : {}),
      target: { pod: parsed.pod, name: parsed.name, ...(parsed.namespace ? { namespace: parsed.namespace } : {}), ...(parsed.port ? { port: parsed.port } : {}) },
    });
  };
}
