/**
 * A DNS health summary (`/dns health`, scheduled summaries) as one channel message. Pure, within
 * Block Kit's limits (src/slack/blocks/limits.ts): at most 8 blocks, every section cut with a note.
 */
import { healthLines, matrixRows } from '../../core/health/render-health.js';
import type { HealthSummary } from '../../core/health/model.js';
import { trendLines, type TrendPoint } from '../../core/health/trend.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import { codeBlock, escapeMrkdwn, slackDate, truncate } from './text.js';

const icon = { ok: ':white_check_mark:', degraded: ':warning:', broken: ':rotating_light:' } as const;
const word = { ok: 'OK', degraded: 'DEGRADED', broken: 'BROKEN' } as const;

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, blockLimits.sectionText).text } };
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

/**
 * Renders a health summary.
 * @param user - who asked (or scheduled) it
 * @param opts - scheduled: made by a `/dns schedule` job scheduler
 */
export function renderHealth(h: HealthSummary, user: string, opts: { scheduled?: boolean; recent?: TrendPoint[] } = {}): RenderedMessage {
  const l = healthLines(h);
  const problems = h.reasons.filter((r) => r.severity !== 'info');
  const infos = h.reasons.filter((r) => r.severity === 'info');
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`DNS health of ${h.cluster}: ${word[h.status]}`, blockLimits.headerText).text } },
    section(
      `${icon[h.status]} *${h.replicas.ready}/${h.replicas.total}* CoreDNS replicas ready. ${opts.scheduled ? 'Scheduled' : 'Asked'} by <@${user}>.` +
        (problems.length ? `\n${problems.map((r) => `• ${escapeMrkdwn(r.text)}`).join('\n')}` : '') +
        (infos.length ? `\n${infos.map((r) => `_${escapeMrkdwn(r.text)}_`).join('\n')}` : ''),
    ),
  ];
  const zones = h.spread.zones.map((z) => `${escapeMrkdwn(z.zone)} ${z.replicas} replica${z.replicas === 1 ? '' : 's'} / ${z.pods} pod${z.pods === 1 ? '' : 's'}`).join(' · ');
  if (h.replicas.list.length > 0) {
    const width = Math.max(...h.replicas.list.map((r) => r.name.length));
    const rows = h.replicas.list.map(
      (r) =>
        `${r.name.padEnd(width)}  ${(r.zone ?? '-').padEnd(10)} ${r.ready ? 'ready    ' : 'NOT READY'}  restarts ${r.restarts}${r.newRestarts !== undefined ? ` (+${r.newRestarts})` : ''}${r.waitingReason ? `  ${r.waitingReason}` : ''}`,
    );
    blocks.push(section(`*Replicas* (spread: ${zones || 'no zones known'})\n${codeBlock(rows.join('\n'), blockLimits.sectionText - 200).text}`));
  }
  const matrix = matrixRows(h.latency);
  if (matrix.length) blocks.push(section(`*Latency p50/p90 and loss from sample nodes*\n${codeBlock(matrix.join('\n'), blockLimits.sectionText - 80).text}`));
  const t = h.traffic;
  const traffic = `*Traffic* ${t.window === 'since-previous' && t.since ? `since ${slackDate(t.since)}` : 'since the replicas started'}: ${t.requests} requests · NXDOMAIN ${pct(t.nxdomainRatio)} · SERVFAIL ${pct(t.servfailRatio)} · cache hits ${pct(t.cacheHitRate)}`;
  const upstreams = l.upstreams.length ? `\n*Upstreams*\n${l.upstreams.map((u) => `• ${escapeMrkdwn(u)}`).join('\n')}` : '';
  blocks.push(section(traffic + upstreams));
  // The trend of the last summaries in text, for readers who do not open the chart.
  const trend = opts.recent ? trendLines(opts.recent) : [];
  if (trend.length > 0) blocks.push(section(`*Trend over the last ${Math.min(7, opts.recent!.length)} summaries* (oldest → latest)\n${codeBlock(trend.join('\n'), blockLimits.sectionText - 80).text}`));
  const diff = h.config.diff ? `\n${codeBlock(h.config.diff, blockLimits.sectionText - 400, h.config.diffTruncated ? 'diff shortened' : '').text}` : '';
  blocks.push(section(`*Config* ${escapeMrkdwn(l.config)}${diff}`));
  const notes = h.notes.length ? ` · Could not learn: ${escapeMrkdwn(h.notes.join('; '))}` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Gathered ${slackDate(h.at)}${notes}`, blockLimits.contextText).text }] });
  const headline = `DNS health of ${h.cluster}: ${word[h.status]}${problems.length ? ` (${problems.map((r) => r.text).join('; ')})` : ''}`;
  return { text: truncate(headline, blockLimits.sectionText).text, blocks };
}
