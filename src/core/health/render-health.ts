/**
 * Plain-text (terminal) and Markdown renderings of a HealthSummary. Pure string building; the Slack
 * rendering is src/slack/blocks/health-blocks.ts.
 */
import type { HealthSummary, LatencyMatrix } from './model.js';

const statusWord = { ok: 'OK', degraded: 'DEGRADED', broken: 'BROKEN' } as const;

function ratio(r: number | null): string {
  return r === null ? 'n/a' : `${(r * 100).toFixed(1)}%`;
}

/** "2/3 ready · zones: a 2, b 1 · restarts 0" style lines, shared by the renderers. */
export function healthLines(s: HealthSummary): { status: string; replicas: string[]; spread: string; traffic: string; upstreams: string[]; config: string } {
  const replicas = s.replicas.list.map((r) => {
    const restarts = r.newRestarts !== undefined ? `${r.restarts} restarts (+${r.newRestarts})` : `${r.restarts} restarts`;
    return `${r.name} on ${r.node}${r.zone ? ` (${r.zone})` : ''}: ${r.ready ? 'ready' : `NOT ready (${r.phase})`}, ${restarts}${r.waitingReason ? `, waiting: ${r.waitingReason}` : ''}`;
  });
  const zones = s.spread.zones.map((z) => `${z.zone}: ${z.replicas} replica(s), ${z.pods} pod(s)`).join('; ');
  const tr = s.traffic;
  const window = tr.window === 'since-previous' ? `since ${tr.since}` : 'since the replicas started';
  const traffic = `${tr.requests} requests ${window}; NXDOMAIN ${ratio(tr.nxdomainRatio)}, SERVFAIL ${ratio(tr.servfailRatio)}, cache hits ${ratio(tr.cacheHitRate)}`;
  const upstreams = s.upstreams.map((u) => {
    const rc = Object.entries(u.responsesByRcode)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `${u.to}: ${u.requests} requests${rc ? ` (${rc})` : ''}, ${u.healthcheckFailures} failed health checks`;
  });
  const c = s.config;
  const config = !c.hash
    ? 'Corefile not readable'
    : c.changed
      ? `Corefile CHANGED since ${c.previousAt} (sha512 ${c.hash.slice(0, 12)}…)`
      : c.previousAt
        ? `Corefile unchanged since ${c.previousAt} (sha512 ${c.hash.slice(0, 12)}…)`
        : `Corefile sha512 ${c.hash.slice(0, 12)}… (no previous summary to compare)`;
  return {
    status: `DNS health of ${s.cluster}: ${statusWord[s.status]} (${s.replicas.ready}/${s.replicas.total} CoreDNS replicas ready)`,
    replicas,
    spread: zones || 'no zones known',
    traffic,
    upstreams,
    config,
  };
}

/** The latency/loss matrix as fixed-width text rows (header first). */
export function matrixRows(m: LatencyMatrix): string[] {
  if (m.rows.length === 0) return [];
  const header = ['from \\ to', ...m.targets];
  const rows = m.rows.map((r) => [r.fromZone ? `${r.fromNode} (${r.fromZone})` : r.fromNode, ...r.cells.map((c) => (c ? `${Math.round(c.p50Ms)}/${Math.round(c.p90Ms)}ms ${c.lossPct.toFixed(0)}%` : '-'))]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** Terminal text. */
export function renderHealthText(s: HealthSummary): string {
  const l = healthLines(s);
  const out = [l.status, `at ${s.at}`];
  if (s.reasons.length > 0) out.push('', 'Why:', ...s.reasons.map((r) => `  [${r.severity}] ${r.text}`));
  out.push('', 'CoreDNS replicas:', ...(l.replicas.length ? l.replicas.map((x) => `  ${x}`) : ['  none']));
  out.push(`Spread: ${l.spread}`);
  const matrix = matrixRows(s.latency);
  if (matrix.length) out.push('', 'Latency p50/p90 and loss from sample nodes:', ...matrix.map((x) => `  ${x}`));
  out.push('', `Traffic: ${l.traffic}`);
  if (l.upstreams.length) out.push('Upstreams:', ...l.upstreams.map((x) => `  ${x}`));
  out.push('', `Config: ${l.config}`);
  if (s.config.diff) out.push(s.config.diff.trimEnd(), ...(s.config.diffTruncated ? ['(diff truncated)'] : []));
  if (s.notes.length) out.push('', 'Could not learn:', ...s.notes.map((n) => `  - ${n}`));
  return out.join('\n') + '\n';
}

function mdEscape(t: string): string {
  return t.replace(/([|*_`<>])/g, '\\$1');
}

/** Markdown (GitHub flavoured). */
export function renderHealthMarkdown(s: HealthSummary): string {
  const l = healthLines(s);
  const out = [`## ${mdEscape(l.status)}`, '', `_at ${s.at}_`];
  if (s.reasons.length > 0) out.push('', ...s.reasons.map((r) => `- **${r.severity}**: ${mdEscape(r.text)}`));
  out.push('', '### CoreDNS replicas', '', '| pod | node | zone | ready | restarts |', '|---|---|---|---|---|');
  for (const r of s.replicas.list) out.push(`| ${r.name} | ${r.node} | ${r.zone ?? ''} | ${r.ready ? 'yes' : `no${r.waitingReason ? ` (${r.waitingReason})` : ''}`} | ${r.restarts}${r.newRestarts !== undefined ? ` (+${r.newRestarts})` : ''} |`);
  out.push('', `Spread: ${mdEscape(l.spread)}`);
  if (s.latency.rows.length) {
    out.push('', '### Latency (p50/p90, loss) from sample nodes', '', `| from | ${s.latency.targets.map(mdEscape).join(' | ')} |`, `|---|${s.latency.targets.map(() => '---|').join('')}`);
    for (const r of s.latency.rows) out.push(`| ${r.fromNode}${r.fromZone ? ` (${r.fromZone})` : ''} | ${r.cells.map((c) => (c ? `${Math.round(c.p50Ms)}/${Math.round(c.p90Ms)} ms, ${c.lossPct.toFixed(0)}%` : '-')).join(' | ')} |`);
  }
  out.push('', '### Traffic', '', mdEscape(l.traffic));
  if (l.upstreams.length) out.push('', ...l.upstreams.map((u) => `- ${mdEscape(u)}`));
  out.push('', '### Config', '', mdEscape(l.config));
  if (s.config.diff) out.push('', '```diff', s.config.diff.trimEnd(), '```', ...(s.config.diffTruncated ? ['', '_(diff truncated)_'] : []));
  if (s.notes.length) out.push('', '### Could not learn', '', ...s.notes.map((n) => `- ${mdEscape(n)}`));
  return out.join('\n') + '\n';
}
