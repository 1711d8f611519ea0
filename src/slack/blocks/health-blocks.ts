/** `/dns health`: a cluster's DNS health now, as one channel message. */
import type { HealthSummary } from '../../queue/job-data.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import { codeBlock, escapeMrkdwn, truncate } from './text.js';

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

/** Renders a health summary. */
export function renderHealth(h: HealthSummary, user: string): RenderedMessage {
  const ok = h.problems.length === 0;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`DNS health of ${h.cluster}: ${ok ? 'OK' : `${h.problems.length} problem${h.problems.length === 1 ? '' : 's'}`}`, blockLimits.headerText).text } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `${ok ? ':white_check_mark:' : ':warning:'} DNS Service ${h.dnsService ? `${escapeMrkdwn(h.dnsService.namespace)}/${escapeMrkdwn(h.dnsService.name)} ${h.dnsService.ip ?? ''}` : 'not found'}: ${h.endpoints.ready}/${h.endpoints.total} endpoints ready; replicas per zone: ${Object.entries(h.zones).map(([z, n]) => `${escapeMrkdwn(z)} ${n}`).join(', ') || 'none'}. Asked by <@${user}>.` +
            (ok ? '' : `\n${h.problems.map((p) => `• ${escapeMrkdwn(p)}`).join('\n')}`),
          blockLimits.sectionText,
        ).text,
      },
    },
  ];
  if (h.replicas.length > 0) {
    const rows = h.replicas.map((r) => `${r.name.padEnd(34)} ${(r.zone ?? '-').padEnd(12)} ${r.ready ? 'ready' : 'NOT READY'} restarts ${r.restarts}  req ${r.requests ?? '-'}  nxdomain ${pct(r.nxdomainRatio)}  servfail ${pct(r.servfailRatio)}  cache hits ${pct(r.cacheHitRatio)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(rows.join('\n'), blockLimits.sectionText).text } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Read ${h.at}` }] });
  return { text: `DNS health of ${h.cluster}: ${ok ? 'OK' : h.problems.join('; ')}`.slice(0, 3000), blocks };
}
