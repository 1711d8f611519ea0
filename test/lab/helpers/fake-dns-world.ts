/**
 * A FAKE DNS world (stands in for src/lab/dns's DnsWorld in API-side tests): records what the API side
 * asks of it and answers tools and metrics with recognisable text.
 */
import type { LabDnsPort } from '../../../src/lab/pods/lab-dns-port.js';

export class FakeDnsWorld implements LabDnsPort {
  reloads: { text: string; files?: Record<string, string> }[] = [];
  restarts: string[] = [];
  replicaSets: { name: string; node: string; ip: string; ready?: boolean }[][] = [];
  tools: { pod: { namespace: string; name: string; ip: string; node: string }; argv: string[] }[] = [];
  clusterChanges = 0;
  stopped = false;
  replicas: Set<string>;

  constructor(replicas: string[]) {
    this.replicas = new Set(replicas);
  }

  reloadCorefile(text: string, files?: Record<string, string>): void {
    this.reloads.push({ text, ...(files ? { files } : {}) });
  }
  restartReplica(podName: string): void {
    this.restarts.push(podName);
  }
  async setReplicas(pods: { name: string; node: string; ip: string; ready?: boolean }[]): Promise<void> {
    this.replicaSets.push(pods);
    this.replicas = new Set(pods.map((p) => p.name));
  }
  metricsText(podName: string): string | undefined {
    return this.replicas.has(podName) ? `# fake metrics\ncoredns_reload_version_info{hash="sha512",value="fake-${podName}"} 1\n` : undefined;
  }
  loadedCorefileHash(podName: string): string | undefined {
    return this.replicas.has(podName) ? `fake-${podName}` : undefined;
  }
  async runTool(pod: { namespace: string; name: string; ip: string; node: string }, argv: string[]) {
    this.tools.push({ pod, argv });
    return { stdout: `fake ${argv[0]} from ${pod.ip}\n`, stderr: argv.includes('--fail') ? 'fake failure\n' : '', exitCode: argv.includes('--fail') ? 9 : 0 };
  }
  replicaLogs(podName: string): string | undefined {
    return this.replicas.has(podName) ? `.:53\nCoreDNS-fake ${podName}\n` : undefined;
  }
  async clusterChanged(): Promise<void> {
    this.clusterChanges++;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}
