/**
 * Parses the text of `/dns …`. Pure: no Slack, no Redis; the listener acks with the usage error
 * (ephemeral, with an example) before doing any work.
 */
import { CronExpressionParser } from 'cron-parser';
import { clusterNameMaxLength, isValidClusterName } from '../../core/input/cluster-name.js';
import { InputError, parseTargetName, type TargetName } from '../../core/input/target-name.js';
import { controlCharacterIn } from '../../core/input/text-problems.js';

/** A parsed /dns command. */
export type DnsCommand =
  | { kind: 'help' }
  | { kind: 'clusters' }
  | { kind: 'health'; cluster?: string }
  | { kind: 'schedule'; pattern: string; cluster?: string; channel?: string }
  | { kind: 'unschedule'; cluster?: string; channel?: string }
  | { kind: 'schedules' }
  | { kind: 'why'; cluster?: string; pod: string; namespace?: string; name: string; port?: number }
  | { kind: 'usage-error'; message: string };

/** Longest command text read: the longest valid `/dns why` (cluster, namespace, pod, 253-character name, port) is well under it. */
export const maxCommandTextLength = 1000;

/** The usage error for a word that should be a cluster name and is not one, else undefined. */
function clusterProblem(word: string | undefined): DnsCommand | undefined {
  if (word === undefined || isValidClusterName(word)) return undefined;
  return { kind: 'usage-error', message: `"${word.slice(0, clusterNameMaxLength)}" is not a cluster name` };
}

/**
 * `schedule daily HH:MM [CLUSTER]` or `schedule CRON [CLUSTER]` (5 fields, or 6 with seconds; UTC).
 * A sixth word is a seconds-cron field when it has no letters, else it is the cluster.
 */
function parseSchedule(words: string[]): DnsCommand {
  const usage = 'use `/dns schedule daily 09:00 [CLUSTER] [#channel]` or `/dns schedule 0 9 * * 1-5 [CLUSTER] [#channel]` (UTC)';
  let pattern: string;
  let rest: string[];
  if (words[0]?.toLowerCase() === 'daily') {
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(words[1] ?? '');
    if (!m) return { kind: 'usage-error', message: `"daily" needs a time HH:MM; ${usage}` };
    pattern = `${Number(m[2])} ${Number(m[1])} * * *`;
    rest = words.slice(2);
  } else {
    const all = words.map((w) => w.replace(/["']/g, '')).filter(Boolean);
    const fields = all.length >= 6 && /^[0-9*,/?-]+$/.test(all[5]!) ? 6 : 5;
    if (all.length < 5) return { kind: 'usage-error', message: `no schedule given; ${usage}` };
    pattern = all.slice(0, fields).join(' ');
    rest = all.slice(fields);
    try {
      CronExpressionParser.parse(pattern, { tz: 'UTC' });
    } catch (err) {
      return { kind: 'usage-error', message: `"${pattern.slice(0, 60)}" is not a cron schedule (${(err as Error).message}); ${usage}` };
    }
  }
  if (rest.length > 1) return { kind: 'usage-error', message: `too many words after the schedule; ${usage}` };
  const badCluster = clusterProblem(rest[0]);
  if (badCluster) return badCluster;
  return { kind: 'schedule', pattern, ...(rest[0] ? { cluster: rest[0] } : {}) };
}

/**
 * Takes a `#channel` argument out of the words: `<#C123|name>` (Slack escapes it so) → C123,
 * `#name` → `#name` (chat.postMessage accepts names). Returns a message when there are several.
 */
function takeChannel(words: string[]): { channel?: string; words: string[] } | string {
  const isChannel = (w: string) => /^<#[A-Z0-9]+(\|[^>]*)?>$/.test(w) || /^#[a-z0-9][a-z0-9._-]{0,79}$/.test(w);
  const found = words.filter(isChannel);
  if (found.length > 1) return 'name at most one #channel';
  const w = found[0];
  const channel = w === undefined ? undefined : w.startsWith('<#') ? /^<#([A-Z0-9]+)/.exec(w)![1]! : w;
  return { ...(channel ? { channel } : {}), words: words.filter((x) => !isChannel(x)) };
}

const k8sName = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** NAME[:PORT], read exactly as the CLI reads it. */
function parseName(raw: string): TargetName | string {
  try {
    return parseTargetName(raw);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.subject === 'port' ? err.message : `"${raw}" is not a DNS name: ${err.message}`;
  }
}

function truncateWords(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function checkPod(pod: string): string | undefined {
  const control = controlCharacterIn(pod);
  if (control) return `the pod reference contains a ${control}`;
  const parts = pod.split('/');
  if (parts.length > 3) return `"${pod}" has too many '/': use ns/pod, deploy/name, or cluster/ns/pod`;
  for (const p of parts) if (!k8sName.test(p)) return `"${pod}" is not a pod reference (lowercase names separated by '/')`;
  return undefined;
}

/**
 * Parses the command text.
 * @param text - what the user typed after `/dns`
 */
export function parseDnsCommand(text: string): DnsCommand {
  if (text.length > maxCommandTextLength) return { kind: 'usage-error', message: `the command text is ${text.length} characters long; the limit is ${maxCommandTextLength}` };
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  const verb = (words.shift() ?? 'help').toLowerCase();
  if (verb === 'help') return { kind: 'help' };
  if (verb === 'clusters') return words.length === 0 ? { kind: 'clusters' } : { kind: 'usage-error', message: '`/dns clusters` takes no argument' };
  if (verb === 'health') {
    if (words.length > 1) return { kind: 'usage-error', message: '`/dns health` takes at most a cluster name' };
    const cluster = words[0];
    const badCluster = clusterProblem(cluster);
    if (badCluster) return badCluster;
    return { kind: 'health', ...(cluster ? { cluster } : {}) };
  }
  if (verb === 'schedules') return words.length === 0 ? { kind: 'schedules' } : { kind: 'usage-error', message: '`/dns schedules` takes no argument' };
  if (verb === 'schedule' || verb === 'unschedule') {
    const t = takeChannel(words);
    if (typeof t === 'string') return { kind: 'usage-error', message: `${t}, e.g. \`/dns ${verb}${verb === 'schedule' ? ' daily 09:00' : ''} #dns-health\`` };
    const target = t.channel ? { channel: t.channel } : {};
    if (verb === 'schedule') {
      const r = parseSchedule(t.words);
      return r.kind === 'schedule' ? { ...r, ...target } : r;
    }
    const rest = t.words;
    if (rest.length > 1) return { kind: 'usage-error', message: '`/dns unschedule` takes at most a cluster name and a #channel' };
    const badCluster = clusterProblem(rest[0]);
    if (badCluster) return badCluster;
    return { kind: 'unschedule', ...(rest[0] ? { cluster: rest[0] } : {}), ...target };
  }
  if (verb !== 'why') return { kind: 'usage-error', message: `unknown command "${verb.slice(0, 40)}"` };

  let namespace: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-n' || w === '--namespace') {
      const ns = words[++i];
      if (!ns || !k8sName.test(ns)) return { kind: 'usage-error', message: `${w} needs a namespace name` };
      namespace = ns;
    } else rest.push(w);
  }
  if (rest.length > 2) return { kind: 'usage-error', message: `unexpected extra text after the name: "${truncateWords(rest.slice(2).join(' '))}"; \`/dns why\` takes a pod and a name (and -n NAMESPACE)` };
  if (rest.length < 2) return { kind: 'usage-error', message: '`/dns why` needs a pod and a name' };
  const [podArg, nameArg] = rest as [string, string];
  const podProblem = checkPod(podArg);
  if (podProblem) return { kind: 'usage-error', message: podProblem };
  const parsed = parseName(nameArg);
  if (typeof parsed === 'string') return { kind: 'usage-error', message: parsed };
  const segments = podArg.split('/');
  const cluster = segments.length === 3 ? segments[0] : undefined;
  const pod = segments.length === 3 ? segments.slice(1).join('/') : podArg;
  return { kind: 'why', ...(cluster ? { cluster } : {}), pod, ...(namespace ? { namespace } : {}), ...parsed };
}
