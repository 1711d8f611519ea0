/**
 * `/dns …`: parse, ack within 3 s (usage errors and help are the ack itself, ephemeral), then work.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderClusters, renderHelp, renderUsageError } from '../../blocks/command-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { parseDnsCommand } from '../../command/parse-dns-command.js';
import { startDiagnosis } from '../../flows/start-diagnosis.js';

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
    await startDiagnosis(deps, {
      channel: command.channel_id,
      user: command.user_id,
      ...(parsed.cluster ? { cluster: parsed.cluster } : {}),
      target: { pod: parsed.pod, name: parsed.name, ...(parsed.namespace ? { namespace: parsed.namespace } : {}), ...(parsed.port ? { port: parsed.port } : {}) },
    });
  };
}
