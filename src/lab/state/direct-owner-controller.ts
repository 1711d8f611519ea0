/**
 * The StatefulSet and DaemonSet controllers, done at once: a changed pod template replaces every pod
 * the workload owns on the same node. A StatefulSet's pod keeps its name (web-0 comes back as web-0);
 * a DaemonSet's pod gets a new name and address, as a rolling update of either does.
 */
import { controllerRef, directOwnerPodLabels } from './kube-objects.js';
import type { LabState } from './lab-state.js';
import { cloneJson } from './clone-json.js';

export type RolledKind = 'StatefulSet' | 'DaemonSet';

const plurals: Record<RolledKind, string> = { StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

export class DirectOwnerController {
  constructor(private readonly lab: LabState) {}

  /** Call when the template changed: every pod of the workload is replaced from it (its revision changed). Returns true when pods changed. */
  reconcile(kind: RolledKind, ns: string, name: string): boolean {
    const store = this.lab.store;
    const w = store.get(plurals[kind], ns, name) as any;
    if (!w) return false;
    const template = w.spec.template ?? {};
    const ref = controllerRef(kind, name, w.metadata.uid, w.apiVersion);
    const pods = (store.ownedBy('pods', w.metadata.uid) as any[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    let changed = false;
    for (const old of pods) {
      const wanted = { ...cloneJson(template.spec ?? {}), nodeName: old.spec.nodeName };
      const podName = kind === 'StatefulSet' ? old.metadata.name : this.freshName(ns, name);
      const runtime = this.lab.runtime.get(`${ns}/${old.metadata.name}`);
      const ip = wanted.hostNetwork ? this.lab.nodes.get(old.spec.nodeName)!.ip : kind === 'StatefulSet' ? old.status.podIP : this.lab.allocateIp(old.spec.nodeName);
      store.delete('pods', ns, old.metadata.name);
      this.lab.runtime.delete(`${ns}/${old.metadata.name}`);
      const labels = { ...(template.metadata?.labels ?? {}), ...directOwnerPodLabels(kind, podName) };
      const commands = { commands: runtime?.commands ?? ['cat'], ...(runtime?.libc ? { libc: runtime.libc } : {}) };
      this.lab.addPod(ns, podName, labels, wanted, old.spec.nodeName, ip, 'Running', true, commands, [ref]);
      changed = true;
    }
    this.lab.refreshDirectOwnerStatus(ns, kind, name);
    return changed;
  }

  private freshName(ns: string, name: string): string {
    let podName = `${name}-${this.lab.suffix()}`;
    while (this.lab.pod(ns, podName)) podName = `${name}-${this.lab.suffix()}`;
    return podName;
  }
}
