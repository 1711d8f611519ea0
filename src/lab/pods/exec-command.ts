/**
 * What `kubectl exec` runs in a lab pod: only the executables the scenario says the image has.
 * `cat` reads the files kubelet generated; DNS tools go to the lab's DNS world; anything else
 * fails as runc does when the binary is missing.
 */
import type { ExecResult } from '../../core/cluster-access.js';
import type { PodRuntime } from '../../probes/pod-probe/run-pod-probe.js';
import type { LabDnsPort } from './lab-dns-port.js';
import { isProbeCommand, type ProbeRunner } from './probe-runner.js';

export interface ExecPod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  hostname: string;
  commands: string[];
  files: { resolvConf: string; hosts: string };
}

const dnsTools = new Set(['getent', 'nslookup', 'dig', 'host']);

/** runc's message for a missing executable (kubectl prints it, then "command terminated with exit code 127"). */
export function notFoundMessage(cmd: string): string {
  return `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown\n`;
}

export async function execInPod(
  pod: ExecPod,
  argv: string[],
  deps: { dns?: LabDnsPort; probeRunner?: ProbeRunner; probeRuntime?: () => PodRuntime },
): Promise<ExecResult> {
  if (argv.length === 0) return { stdout: '', stderr: 'you must specify at least one command for the container\n', exitCode: 1 };
  const cmd = argv[0]!;
  const base = cmd.split('/').pop()!;
  if (!pod.commands.includes(base) && !pod.commands.includes(cmd)) {
    return { stdout: '', stderr: notFoundMessage(cmd), exitCode: 127 };
  }
  if (base === 'cat') return cat(pod, argv.slice(1));
  if (base === 'hostname') return { stdout: `${pod.hostname}\n`, stderr: '', exitCode: 0 };
  if (dnsTools.has(base)) {
    if (!deps.dns) return { stdout: '', stderr: `${base}: the lab's DNS world is not running\n`, exitCode: 1 };
    return deps.dns.runTool({ namespace: pod.namespace, name: pod.name, ip: pod.ip, node: pod.node }, [base, ...argv.slice(1)]);
  }
  if (isProbeCommand(argv) && deps.probeRunner && deps.probeRuntime) return deps.probeRunner(argv, deps.probeRuntime());
  // The image has it, but the lab does not emulate it: say so rather than pretend.
  return { stdout: '', stderr: `${base}: not emulated by the dnswhy lab (emulated: cat, hostname, getent, nslookup, dig, host, dnswhy probe)\n`, exitCode: 126 };
}

/** GNU cat over the pod's generated files. */
function cat(pod: ExecPod, args: string[]): ExecResult {
  const files: Record<string, string> = {
    '/etc/resolv.conf': pod.files.resolvConf,
    '/etc/hosts': pod.files.hosts,
    '/etc/hostname': `${pod.hostname}\n`,
  };
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const a of args) {
    if (a.startsWith('-') && a !== '-') {
      return { stdout: '', stderr: `cat: invalid option -- '${a.slice(1, 2)}'\nTry 'cat --help' for more information.\n`, exitCode: 1 };
    }
  }
  for (const path of args) {
    const text = files[path.replace(/\/+/g, '/')];
    if (text !== undefined) stdout += text;
    else if (['/etc', '/', '/tmp', '/var'].includes(path.replace(/\/$/, '') || '/')) {
      stderr += `cat: ${path}: Is a directory\n`;
      exitCode = 1;
    } else {
      stderr += `cat: ${path}: No such file or directory\n`;
      exitCode = 1;
    }
  }
  return { stdout, stderr, exitCode };
}
