/** The single progress message of a diagnosis, updated in place as steps finish. */
import type { RenderedMessage } from './block-types.js';
import { blockLimits } from './limits.js';
import { escapeMrkdwn, truncate } from './text.js';
import { docsUrl } from '../../core/report/docs-links.js';
import { link } from './report-blocks.js';
import type { EarlyCause } from '../../queue/job-data.js';

export interface ProgressState {
  name: string;
  pod: string;
  cluster: string;
  step: string;
  done: number;
  total: number;
  /** 'running' while probes run, 'done' once the report is posted, 'failed' on a final error. */
  phase: 'queued' | 'running' | 'done' | 'failed';
  /** While queued: the place in the cluster's line (1 = next) and the cluster's cap, when known. */
  queue?: { position: number; maxRunning?: number };
  /** While running: the causes found before the deep probes are all in (the report follows). */
  early?: EarlyCause[];
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}



/** A ten-cell bar: ▰▰▰▱▱▱▱▱▱▱ */
export function progressBar(done: number, total: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(ratio * 10);
  return '▰'.repeat(full) + '▱'.repeat(10 - full);
}

/** The causes found so far, each with its check's documentation; the report is still to come. */
function earlyText(early: EarlyCause[], docsBaseUrl?: string): string {
  const causes = early.map((c) => `• *${escapeMrkdwn(c.title)}* (${link(docsUrl(c.docsUrl, docsBaseUrl), `About ${c.checkId}`)})`).join('\n');
  return `:mag_right: *Found so far* (the remaining probes are still running; the report follows):\n${causes}`;
}

/** Renders the progress message. */
export function renderProgress(s: ProgressState): RenderedMessage {
  const icon = { queued: ':hourglass:', running: ':mag:', done: ':white_check_mark:', failed: ':warning:' }[s.phase];
  const cap = s.queue?.maxRunning ? ` (${s.queue.maxRunning} run at once on this cluster)` : '';
  const line =
    s.phase === 'queued'
      ? s.queue
        ? `${icon} Queued on cluster *${escapeMrkdwn(s.cluster)}*: position ${s.queue.position} in line${cap}.`
        : `${icon} Queued on cluster *${escapeMrkdwn(s.cluster)}*: waiting for a worker…`
      : s.phase === 'running'
        ? `${icon} ${progressBar(s.done, s.total)} ${s.done}/${s.total} ${escapeMrkdwn(s.step)}`
        : `${icon} ${escapeMrkdwn(s.step)}`;
  const text = truncate(line, blockLimits.sectionText).text;
  const early = s.phase === 'running' && s.early && s.early.length > 0 ? s.early : undefined;
  return {
    text: `Diagnosing ${s.name} from ${s.pod}: ${s.phase === 'running' ? `${s.done}/${s.total} ${s.step}` : s.phase === 'queued' && s.queue ? `queued, position ${s.queue.position}` : s.step}${early ? `; found so far: ${early.map((c) => c.title).join('; ')}` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...(early ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: truncate(earlyText(early, s.docsBaseUrl), blockLimits.sectionText).text } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`\`${escapeMrkdwn(s.name)}\` from \`${escapeMrkdwn(s.pod)}\` on ${escapeMrkdwn(s.cluster)}`, blockLimits.contextText).text }] },
    ],
  };
}
