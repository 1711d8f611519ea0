/**
 * `dnswhy probe --spec '<json>'`: the program a probe pod (or ephemeral container) runs. It reads
 * the pod's own /etc/resolv.conf and /etc/hosts, probes from where it stands (directNetwork: real
 * addresses, the kernel picks the source) and prints `{ "evidence": [...] }` as one JSON line on
 * stdout. A bad spec exits 2 with the wrong fields named on stderr.
 */
import { readConntrackStats } from '../../probes/pod-probe/conntrack-stats.js';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { Command } from 'commander';
import { directNetwork } from '../../core/network-position.js';
import { PodProbeSpecError, parsePodProbeSpec, runPodProbe } from '../../probes/pod-probe/index.js';
import { exitCodes } from '../exit-codes.js';
import { addExamples } from '../help.js';

/** The pod's IP: $POD_IP (downward API) when set, else the first non-loopback IPv4 address. */
export function podIpFromHost(env: Record<string, string | undefined> = process.env): string {
  if (env.POD_IP) return env.POD_IP;
  for (const addrs of Object.values(networkInterfaces())) {
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

export function probeCommand(): Command {
  const cmd = new Command('probe')
    .description('Pod-side probe: resolve, query the DNS Service and CoreDNS endpoints, connect, burst; prints evidence JSON')
    .requiredOption('--spec <json>', 'PodProbeSpec as JSON')
    .option('--resolv-conf <path>', 'resolv.conf to use', '/etc/resolv.conf')
    .option('--hosts <path>', 'hosts file to use', '/etc/hosts')
    .action(async (opts: { spec: string; resolvConf: string; hosts: string }) => {
      let spec;
      try {
        spec = parsePodProbeSpec(opts.spec);
      } catch (err) {
        if (!(err instanceof PodProbeSpecError)) throw err;
        process.stderr.write(`dnswhy probe: ${err.message}\n`);
        process.exitCode = exitCodes.usage;
        return;
      }
      const resolvConf = await readOr(opts.resolvConf, '');
      const hosts = await readOr(opts.hosts, '');
      const out = await runPodProbe(spec, {
        network: directNetwork,
        podIp: podIpFromHost(),
        resolvConf,
        hosts,
        conntrack: readConntrackStats,
        ...(process.env.NODE_NAME ? { node: process.env.NODE_NAME } : {}),
      });
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
  return addExamples(cmd, ['dnswhy probe --spec \'{"names":["kubernetes.default"]}\'   # run by the worker inside a probe pod']);
}
