/** Text helpers for Block Kit: mrkdwn escaping and truncation that always says what was cut. */

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts text to at most `max` characters, ending with a note saying how much was cut.
 * @param note - appended when cut, e.g. "see the attached file"
 */
export function truncate(text: string, max: number, note = ''): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const suffix = (n: number) => `… (${n} more characters${note ? `; ${note}` : ''})`;
  // The suffix length depends on the count it prints; reserve for the widest count.
  const reserve = suffix(text.length).length;
  const keep = Math.max(0, max - reserve);
  return { text: text.slice(0, keep) + suffix(text.length - keep), truncated: true };
}

/**
 * A fenced code block of at most `max` characters, cut at a line boundary with a note.
 * Backticks inside are defused so the fence cannot be closed early.
 */
export function codeBlock(body: string, max: number, note = ''): { text: string; truncated: boolean } {
  const clean = escapeMrkdwn(body.replace(/```/g, '`\u200b``'));
  const fence = (s: string) => '```\n' + s + '\n```';
  if (fence(clean).length <= max) return { text: fence(clean), truncated: false };
  const lines = clean.split('\n');
  const noteFor = (n: number) => `\n… ${n} more line${n === 1 ? '' : 's'} not shown${note ? `; ${note}` : ''}`;
  let kept: string[] = [];
  let size = 8;
  for (const line of lines) {
    if (size + line.length + 1 + noteFor(lines.length).length > max) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (kept.length === 0) {
    // One enormous line: cut inside it.
    const t = truncate(clean, max - 8 - noteFor(lines.length).length);
    kept = [t.text];
  }
  return { text: fence(kept.join('\n')) + noteFor(lines.length - kept.length), truncated: true };
}

/** Slack date formatting token: renders in each reader's timezone, with a fallback. */
export function slackDate(iso: string): string {
  const secs = Math.floor(new Date(iso).getTime() / 1000);
  return `<!date^${secs}^{date_short_pretty} {time_secs}|${iso}>`;
}
