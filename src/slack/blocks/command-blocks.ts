/** Messages of the /dns command itself: help, usage errors, the parent message, cluster list. */
import { verdictWord, type Verdict } from '../../core/model/index.js';
import type { RenderedMessage } from './block-types.js';
import { blockLimits } from './limits.js';
import { escapeMrkdwn, truncate } from './text.js';

/** The help text (also the answer to a usage error, after the error). */
export const helpText = [
  '*dnswhy* tells you why a pod cannot resolve a name.',
  '• `/dns why POD NAME[:PORT]`: diagnose, e.g. `/dns why payments/api-7f9 db.example.org:5432`',
  '   POD is `ns/pod`, `pod -n ns`, `deploy/name`, a unique prefix, or `cluster/ns/pod` to pick a cluster',
  '• `/dns health [CLUSTER]`: CoreDNS replicas, zones, restarts and error ratios now',
  '• `/dns schedule daily 09:00 [CLUSTER] [#channel]` or `/dns schedule CRON [CLUSTER] [#channel]`: a health summary here or in #channel (UTC); `/dns unschedule [#channel]` stops it; `/dns schedules` lists them',
  '• `/dns clusters`: clusters with a live worker',
  '• `/dns help`: this message',
].join('\n');

/** Help as a message. */
export function renderHelp(): RenderedMessage {
  return { text: 'dnswhy help', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: helpText } }] };
}

/** A usage error, with an example. */
export function renderUsageError(problem: string): RenderedMessage {
  const text = truncate(`:warning: ${escapeMrkdwn(problem)}\nExample: \`/dns why payments/api-7f9 db.example.org\`\n\n${helpText}`, blockLimits.sectionText).text;
  return { text: `dnswhy: ${problem}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The parent message a diagnosis thread hangs from. */
export function renderParent(input: { name: string; pod: string; cluster: string; user: string }): RenderedMessage {
  const text = `Diagnosing ${input.name} from ${input.pod}, asked by <@${input.user}>`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(`:mag: Diagnosing \`${escapeMrkdwn(input.name)}\` from \`${escapeMrkdwn(input.pod)}\` on *${escapeMrkdwn(input.cluster)}*, asked by <@${input.user}>. Details in the thread.`, blockLimits.sectionText).text },
      },
    ],
  };
}

/** The list of clusters with live workers. */
export function renderClusters(clusters: { name: string; workers: number }[]): RenderedMessage {
  const text =
    clusters.length === 0
      ? 'No cluster has a live worker. Start one with `dnswhy serve --role worker` (DNSWHY_CLUSTER names it).'
      : `Clusters with a live worker:\n${clusters.map((c) => `• *${escapeMrkdwn(c.name)}* (${c.workers} worker${c.workers === 1 ? '' : 's'})`).join('\n')}`;
  return { text: text.slice(0, 3000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, blockLimits.sectionText).text } }] };
}

/**
 * The parent message once the report is in, updated in place: the question and the verdict in one
 * line, so the channel shows the answer without opening the thread.
 */
export function renderParentVerdict(input: { name: string; pod: string; cluster: string; user: string; verdict: Verdict; headline: string; fix?: 'proposed' | 'advice' }): RenderedMessage {
  const icon = { broken: ':x:', healthy: ':white_check_mark:', inconclusive: ':grey_question:' }[input.verdict];
  const what = input.verdict === 'healthy' ? 'Resolves fine' : verdictWord[input.verdict];
  const next = input.fix === 'proposed' ? ' A fix is ready to approve in the thread.' : input.fix === 'advice' ? ' What to do is in the thread.' : '';
  const line = `${icon} *${what}:* \`${escapeMrkdwn(input.name)}\` from \`${escapeMrkdwn(input.pod)}\` on *${escapeMrkdwn(input.cluster)}*: ${escapeMrkdwn(input.headline)}.${next} Asked by <@${input.user}>.`;
  return {
    text: `${what}: ${input.name} from ${input.pod}: ${input.headline}`.slice(0, blockLimits.sectionText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(line, blockLimits.sectionText).text } }],
  };
}
