/**
 * A terminal stand-in for a Slack channel (`dnswhy serve --emulator`): prints what the bot posts
 * (parent messages, thread replies, edits, ephemeral messages, uploaded files) and turns typed lines
 * into signed requests: `/dns …` sends a slash command, `click N` presses button N, `as U…` changes
 * who you are. Try the bot without a workspace.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { blockActionsBody, sendSigned, slashCommandBody } from './signed-request.js';
import type { EmulatedMessage, SlackEmulator } from './slack-emulator.js';

export interface ConsoleOptions {
  emulator: SlackEmulator;
  eventsUrl: string;
  signingSecret: string;
  input: Readable;
  output: Writable;
  user?: string;
  channel?: string;
}

interface Button {
  actionId: string;
  value: string;
  label: string;
  messageTs: string;
  /** Set when the message is a reply in a thread (Slack sends it with the click). */
  threadTs?: string;
  channel: string;
}

/** Flattens a message's blocks to the text a reader sees. */
function visibleText(m: { text: string; blocks?: unknown[] }): string {
  if (!m.blocks) return m.text;
  const out: string[] = [];
  for (const b of m.blocks as { type: string; text?: { text: string }; elements?: { text?: string | { text: string } }[] }[]) {
    if (b.text?.text) out.push(b.text.text);
    if (b.type === 'context') for (const e of b.elements ?? []) if (typeof e.text === 'string') out.push(e.text);
  }
  return out.join('\n');
}

/** Starts the console; resolves when the input ends. */
export async function runEmulatorConsole(o: ConsoleOptions): Promise<void> {
  let user = o.user ?? 'U0DEMO';
  const channel = o.channel ?? 'C0DEMO';
  const say = (s: string) => o.output.write(s + '\n');
  const buttons: Button[] = [];
  const seen = new Map<string, number>();
  let ephemerals = 0;

  const show = (m: EmulatedMessage, edited: boolean) => {
    const head = m.threadTs ? '  └' : '●';
    say(`${head} ${edited ? '(updated) ' : ''}${visibleText(m).replace(/\n/g, `\n${m.threadTs ? '    ' : '  '}`)}`);
    for (const f of m.files ?? []) say(`    📎 ${f.name} (${f.content.length} bytes)`);
    type El = { type: string; action_id?: string; value?: string; text?: { text: string } };
    for (const b of (m.blocks ?? []) as { type: string; elements?: El[]; accessory?: El }[]) {
      const els = b.type === 'actions' ? (b.elements ?? []) : b.type === 'section' && b.accessory ? [b.accessory] : [];
      for (const e of els) {
        if (e.type !== 'button' || !e.action_id || !e.value) continue;
        buttons.push({ actionId: e.action_id, value: e.value, label: e.text?.text ?? e.action_id, messageTs: m.ts, ...(m.threadTs ? { threadTs: m.threadTs } : {}), channel: m.channel });
        say(`    [${buttons.length}] ${e.text?.text ?? e.action_id}`);
      }
    }
  };
  const timer = setInterval(() => {
    for (const m of o.emulator.messages) {
      const edits = seen.get(m.ts);
      if (edits === undefined || edits !== m.edits) {
        show(m, edits !== undefined);
        seen.set(m.ts, m.edits);
      }
    }
    for (const e of o.emulator.ephemerals.slice(ephemerals)) say(`  (only <@${e.user}> sees) ${visibleText(e)}`);
    ephemerals = o.emulator.ephemerals.length;
  }, 100);

  say(`You are <@${user}> in #${channel}. Type "/dns why POD NAME", "click N", "as USER", or Ctrl-D to leave.`);
  const rl = createInterface({ input: o.input });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('/dns')) {
      const res = await sendSigned(o.eventsUrl, o.signingSecret, slashCommandBody({ text: line.replace(/^\/dns\s*/, ''), user, channel }));
      if (res.body) say(`  (only you see) ${visibleText(JSON.parse(res.body) as { text: string; blocks?: unknown[] })}`);
      if (res.status !== 200) say(`  HTTP ${res.status}`);
    } else if (/^click\s+\d+$/.test(line)) {
      const b = buttons[Number(line.split(/\s+/)[1]) - 1];
      if (!b) say('  no such button');
      else await sendSigned(o.eventsUrl, o.signingSecret, blockActionsBody({ user, channel: b.channel, messageTs: b.messageTs, ...(b.threadTs ? { threadTs: b.threadTs } : {}), actionId: b.actionId, value: b.value }));
    } else if (/^as\s+[UW][A-Z0-9]+$/.test(line)) {
      user = line.split(/\s+/)[1]!;
      say(`  you are now <@${user}>`);
    } else say('  commands: /dns …, click N, as USER');
  }
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(timer);
}
