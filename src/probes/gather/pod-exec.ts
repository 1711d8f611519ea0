/**
 * Evidence from inside the target pod by `pods/exec` (argv arrays only): its /etc/resolv.conf,
 * its /etc/hosts, and the image's own DNS tools when it has them (getent, else nslookup).
 */
import type { ClusterAccess, ClusterPod, ExecResult } from '../../core/cluster-access.js';
import type { Evidence, EvidenceOrigin, ToolOutputEvidence } from '../../core/model/index.js';
import { elapsed, probeError, startTiming, withTimeout } from './run-step.js';
import { parseToolOutput } from './tool-parsers.js';

/** Parse /etc/hosts into entries (comments and blank lines dropped). */
export function parseHostsFile(text: string): { ip: string; names: string[] }[] {
  const out: { ip: string; names: string[] }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [ip, ...names] = line.split(/\s+/);
    if (ip && names.length) out.push({ ip, names });
  }
  return out;
}

export function podOrigin(pod: ClusterPod): EvidenceOrigin {
  return { kind: 'pod', namespace: pod.namespace, name: pod.name, ...(pod.ip ? { ip: pod.ip } : {}), ...(pod.node ? { node: pod.node } : {}) };
}

const stillWaiting: unique symbol = Symbol('still waiting');

/** The tool is not in the image: exit 126/127, or the runtime's "executable file not found". */
export function toolAbsent(r: ExecResult): boolean {
  return r.exitCode === 126 || r.exitCode === 127 || (/executable file not found|no such file or directory|not found in \$PATH/i.test(r.stderr) && r.stdout === '');
}

/** `cat /etc/resolv.conf` and `cat /etc/hosts` → `resolv-conf` and `hosts-file` evidence. */
export async function readPodFiles(access: ClusterAccess, pod: ClusterPod, container: string, timeoutMs: number): Promise<Evidence[]> {
  const from = podOrigin(pod);
  const one = async (path: string, kind: 'resolv-conf' | 'hosts-file', what: string): Promise<Evidence> => {
    const t = startTiming();
    const probe = `exec cat ${path}`;
    try {
      const r = await withTimeout(probe, timeoutMs, access.exec(pod.namespace, pod.name, container, ['cat', path], { timeoutMs }));
      if (r.exitCode !== 0) {
        const why = toolAbsent(r) ? 'the image has no `cat`' : `cat exited ${r.exitCode}: ${r.stderr.trim() || 'no error output'}`;
        return probeError(probe, what, new Error(why), t, from);
      }
      if (kind === 'resolv-conf') return { id: '', kind, from, at: t.at, ms: elapsed(t), text: r.stdout };
      return { id: '', kind, from, at: t.at, ms: elapsed(t), text: r.stdout, entries: parseHostsFile(r.stdout) };
    } catch (err) {
      return probeError(probe, what, err, t, from);
    }
  };
  return Promise.all([
    one('/etc/resolv.conf', 'resolv-conf', "the pod's /etc/resolv.conf (nameservers, search list, ndots)"),
    one('/etc/hosts', 'hosts-file', "the pod's /etc/hosts (hostAliases and static entries)"),
  ]);
}

/**
 * The image's own resolver tools, as the application would see the name: `getent ahosts NAME`
 * (libc's own path), else `nslookup NAME`. Absent tools are not failures; nothing found = no evidence.
 * When `stopWaiting` settles first, a tool still running becomes a `tool-output` that says so
 * (stillWaitingAfterMs): the report does not wait out libc's 5 s retries for it.
 */
export async function runPodTools(access: ClusterAccess, pod: ClusterPod, container: string, name: string, timeoutMs: number, stopWaiting?: Promise<void>): Promise<Evidence[]> {
  const from = podOrigin(pod);
  const attempts: { tool: ToolOutputEvidence['tool']; argv: string[] }[] = [
    { tool: 'getent', argv: ['getent', 'ahosts', name] },
    { tool: 'nslookup', argv: ['nslookup', name] },
  ];
  for (const a of attempts) {
    const t = startTiming();
    const probe = `exec ${a.argv.join(' ')}`;
    let r: ExecResult | typeof stillWaiting;
    try {
      const exec = withTimeout(probe, timeoutMs, access.exec(pod.namespace, pod.name, container, a.argv, { timeoutMs }));
      // The exec is not cancelled when we stop waiting; its late result or failure is ignored.
      exec.catch(() => undefined);
      r = await (stopWaiting ? Promise.race([exec, stopWaiting.then((): typeof stillWaiting => stillWaiting)]) : exec);
    } catch (err) {
      return [probeError(probe, `what ${a.tool} in the pod answers for ${name}`, err, t, from)];
    }
    if (r === stillWaiting) {
      const waited = elapsed(t);
      return [{ id: '', kind: 'tool-output', from, at: t.at, ms: waited, tool: a.tool, argv: a.argv, exitCode: -1, stdout: '', stderr: '', parsed: { addresses: [], timedOut: true }, stillWaitingAfterMs: waited }];
    }
    if (toolAbsent(r)) continue;
    const ev: ToolOutputEvidence = {
      id: '',
      kind: 'tool-output',
      from,
      at: t.at,
      ms: elapsed(t),
      tool: a.tool,
      argv: a.argv,
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      parsed: parseToolOutput(a.tool, r.stdout, r.exitCode),
    };
    return [ev];
  }
  return [];
}
