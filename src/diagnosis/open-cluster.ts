/**
 * Opens the cluster a diagnosis runs against: the user's kubeconfig (or in-cluster credentials), or an
 * in-process embedded lab started from a scenario file. The lab is imported only when asked for, so a
 * real-cluster run never loads it.
 */
import type { ClusterAccess } from '../core/cluster-access.js';
import { directNetwork, type NetworkPosition } from '../core/network-position.js';
import { KubeClusterAccess } from '../probes/kube/kube-cluster-access.js';

export interface OpenClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** A lab scenario file: start the embedded lab in-process and diagnose it. */
  lab?: string;
  /** Which of dnswhy's shipped role groups the lab installs (default all); ['diagnose'] is the diagnose-only install. */
  labRbac?: readonly ('diagnose' | 'patch' | 'ephemeral-probes')[];
}

export interface OpenedCluster {
  access: ClusterAccess;
  network: NetworkPosition;
  name: string;
  /** The nodes' conntrack statistics can be read (the netns lab: the kernel's own counters per node). */
  nodeConntrack?: boolean;
  /** False when this process has no route into the cluster (the netns lab): no worker queries. */
  workerQueries?: boolean;
  /** The running lab, when one was started (for applying fixes and inspecting state in tests). */
  lab?: import('../lab/lab.js').Lab;
  close(): Promise<void>;
}

export async function openCluster(opts: OpenClusterOptions = {}): Promise<OpenedCluster> {
  if (opts.lab) {
    const { startLab } = await import('../lab/lab.js');
    const lab = await startLab(opts.lab, opts.labRbac ? { rbac: opts.labRbac } : {});
    try {
      // The diagnosis runs as a worker would: with the token of dnswhy's worker service account, so
      // the shipped roles decide what it may do, as on a real cluster.
      const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
      return { access, network: lab.workerNetwork, name: `lab:${lab.scenario.name}`, lab, ...(lab.backendName === 'netns' ? { nodeConntrack: true, workerQueries: false } : {}), close: () => lab.stop() };
    } catch (err) {
      await lab.stop();
      throw err;
    }
  }
  const access = KubeClusterAccess.fromKubeconfig(opts.kubeconfig, opts.context);
  return { access, network: directNetwork, name: opts.context ?? access.contextName(), close: async () => {} };
}
