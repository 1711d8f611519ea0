/**
 * Writes docs/img/report-thread.html: the Slack thread of the split-horizon seed as the bot renders it
 * (the parent with its verdict, the progress message, the report message with its buttons), from the
 * real diagnosis in the embedded lab and the real Block Kit renderers, drawn the way Slack draws the
 * blocks (header, sections, context, actions, mrkdwn). A docs tool: render-thread.sh screenshots it.
 * Run: npx tsx docs/tools/thread-html.ts [scenario] [out.html]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testScenarioFile } from '../../src/lab/expectations/lab-expectations.js';
import type { RenderedMessage } from '../../src/slack/blocks/block-types.js';
import { renderParentVerdict } from '../../src/slack/blocks/command-blocks.js';
import { renderProgress } from '../../src/slack/blocks/progress-blocks.js';
import { renderReport } from '../../src/slack/blocks/report-blocks.js';
import { proposedSlots, slotKey, type ReportViewState } from '../../src/slack/blocks/report-view.js';
import { briefOf } from '../../src/core/report/brief.js';

const root = join(import.meta.dirname, '..', '..');
const scenario = process.argv[2] ?? join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const out = process.argv[3] ?? join(root, 'docs', 'img', 'report-thread.html');

const emoji: Record<string, string> = {
  x: '❌', white_check_mark: '✅', grey_question: '❔', warning: '⚠️', mag: '🔍', lock: '🔒', rocket: '🚀', page_facing_up: '📄',
  hourglass_flowing_sand: '⏳', heavy_minus_sign: '➖', leftwards_arrow_with_hook: '↩️', wastebasket: '🗑️', arrows_counterclockwise: '🔄',
  no_entry: '⛔', red_circle: '🔴', large_orange_circle: '🟠', large_blue_circle: '🔵',
};

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack mrkdwn (as our renderers write it) to HTML. */
function mrkdwn(text: string): string {
  // Slack's own escapes come first: the text is already &amp; / &lt; / &gt; escaped where it must be.
  const fences: string[] = [];
  let t = text.replace(/```\n?([\s\S]*?)\n?```/g, (_, body: string) => `\u0000${fences.push(body) - 1}\u0000`);
  t = t.replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, (_, url: string, label: string) => `<a href="${url}">${label}</a>`);
  t = t.replace(/<@([A-Z0-9]+)>/g, (_, u: string) => `<span class="mention">@${u === 'U0DEMO' ? 'oncall' : u}</span>`);
  t = t.replace(/<!date\^\d+\^[^|]*\|([^>]+)>/g, (_, iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT/, ' UTC'));
  t = t.replace(/`([^`\n]+)`/g, '<code>$1</code>');
  t = t.replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>');
  t = t.replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>');
  t = t.replace(/:([a-z_]+):/g, (m, name: string) => emoji[name] ?? m);
  t = t.replace(/\n/g, '<br>');
  return t.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<pre>${fences[Number(i)]}</pre>`);
}

type AnyBlock = { type: string; text?: { type: string; text: string }; elements?: { type: string; text?: string | { text: string }; style?: string }[]; accessory?: { type: string; text?: { text: string }; style?: string } };

function button(text: string, style?: string): string {
  return `<span class="button ${style ?? ''}">${escapeHtml(text)}</span>`;
}

function blocksHtml(m: RenderedMessage): string {
  return (m.blocks as unknown as AnyBlock[])
    .map((b) => {
      if (b.type === 'header') return `<div class="header">${escapeHtml(b.text!.text)}</div>`;
      if (b.type === 'divider') return '<hr>';
      if (b.type === 'context') return `<div class="context">${(b.elements ?? []).map((e) => mrkdwn(typeof e.text === 'string' ? e.text : '')).join(' ')}</div>`;
      if (b.type === 'actions') return `<div class="actions">${(b.elements ?? []).map((e) => button(typeof e.text === 'object' ? e.text.text : '', e.style)).join('')}</div>`;
      if (b.type === 'section') return `<div class="section"><div>${mrkdwn(b.text?.text ?? '')}</div>${b.accessory ? button(b.accessory.text?.text ?? '', b.accessory.style) : ''}</div>`;
      return '';
    })
    .join('\n');
}

function message(m: RenderedMessage, who: string, time: string, reply: boolean): string {
  return `<div class="msg ${reply ? 'reply' : ''}"><div class="avatar">${who === 'dnswhy' ? '🩺' : '🙂'}</div><div class="body"><div class="meta"><b>${who}</b> <span class="app">APP</span> <span class="time">${time}</span></div>${blocksHtml(m)}</div></div>`;
}

const outcome = await testScenarioFile(scenario, { burst: { count: 100, concurrency: 20 } });
const report = outcome.expectations[0]!.report!;
const slots = proposedSlots(report);
const state: ReportViewState = { reportId: 'rep-0123456789abcdef', slots: {}, openFindings: [] };
for (const s of slots) state.slots[slotKey(s.finding, s.fix)] = { proposalId: `fix-${s.finding}x${s.fix}`, status: 'pending' };
const pod = `${report.pod.namespace}/${report.pod.name}`;
const brief = briefOf(report);
const first = brief.causes[0];
const parent = renderParentVerdict({ name: report.name, pod, cluster: 'prod', user: 'U0DEMO', verdict: report.verdict, headline: first?.finding.title ?? brief.headline, fix: 'proposed' });
const progress = renderProgress({ name: report.name, pod, cluster: 'prod', step: `Done in ${(report.durationMs / 1000).toFixed(1)} s: ${report.findings.length} findings, ${report.evidence.length} evidence items`, done: 1, total: 1, phase: 'done' });
const msg = renderReport({ ...report, cluster: 'prod' }, { askers: ['U0DEMO'], state });

const css = `
body { font-family: 'DejaVu Sans', Lato, sans-serif; font-size: 15px; color: #1d1c1d; background: #fff; margin: 0; width: 900px; }
.channel { padding: 10px 20px; border-bottom: 1px solid #ddd; font-weight: bold; }
.thread-title { padding: 8px 20px; color: #616061; font-size: 13px; border-bottom: 1px solid #eee; }
.msg { display: flex; padding: 10px 20px; }
.msg.reply { padding-left: 40px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #e8f0fe; font-size: 22px; text-align: center; line-height: 36px; margin-right: 10px; flex: none; }
.body { flex: 1; min-width: 0; }
.meta { margin-bottom: 4px; } .app { font-size: 10px; background: #eee; color: #666; padding: 1px 3px; border-radius: 2px; } .time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0; }
.section { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; margin: 6px 0; line-height: 1.45; }
.context { color: #616061; font-size: 12.5px; margin: 6px 0; line-height: 1.4; }
.actions { margin: 8px 0; }
.button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 4px 12px; margin-right: 8px; font-weight: bold; font-size: 13.5px; white-space: nowrap; }
.button.primary { background: #007a5a; color: #fff; border-color: #007a5a; } .button.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
code { background: #f4f4f4; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px; color: #c7254e; font-size: 13px; }
pre { background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; font-size: 12.5px; white-space: pre-wrap; }
a { color: #1264a3; text-decoration: none; } .mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
hr { border: none; border-top: 1px solid #eee; }
`;
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body>
<div class="channel"># incident</div>
${message(parent, 'dnswhy', '03:12', false)}
<div class="thread-title">Thread · 2 replies</div>
${message(progress, 'dnswhy', '03:12', true)}
${message(msg, 'dnswhy', '03:12', true)}
</body></html>`;
writeFileSync(out, html);
process.stdout.write(`${out}\n`);
