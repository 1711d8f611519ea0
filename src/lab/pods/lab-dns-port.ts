/**
 * What the API side needs from the lab's DNS world (the DnsWorld of dns/dns-world.ts). Declared
 * here structurally so the API side builds and tests without it; the real DnsWorld satisfies it.
 */
import type { ExecResult } from '../../core/cluster-access.js';
import type { TopologyPod } from '../net/topology.js';

export interface LabDnsPort {
  reloadCorefile(text: string, files?: Record<string, string>): void;
  /** The coredns-custom ConfigMap changed (its keys are mounted at /etc/coredns/custom). */
  reloadCustomFiles?(data: Record<string, string>): void;
  /** The node-local-dns ConfigMap changed (NodeLocal DNSCache's Corefile). */
  reloadNodeLocal?(text: string): void;
  restartReplica(podName: string): void;
  setReplicas(pods: { name: string; node: string; ip: string; ready?: boolean }[]): Promise<void>;
  metricsText(podName: string): string | undefined;
  loadedCorefileHash(podName: string): string | undefined;
  runTool(pod: TopologyPod, argv: string[]): Promise<ExecResult>;
  clusterChanged?(): Promise<void>;
  /** What `kubectl logs` shows for a CoreDNS pod (start-up banner, reloads, errors, `log` lines). */
  replicaLogs?(podName: string): string | undefined;
  /** How a CoreDNS pod's process last exited, while it is down (its log ends with the reason). */
  replicaExit?(podName: string): { cause: string; reason: string; exitCode: number; log: string; at: string } | undefined;
  /** Registers a listener told whenever a CoreDNS replica exits or comes back. */
  onReplicaChange?(listener: (podName: string) => void): void;
  stop(): Promise<void>;
}
