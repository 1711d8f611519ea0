/**
 * The deployment and replicaset controllers, done at once: a changed pod template gets a new
 * ReplicaSet (name from the template hash) whose pods replace the old ones (new names, new IPs,
 * same nodes), a changed replica count adds or removes pods, and a deleted pod of a ReplicaSet is
 * replaced.
 */
import { controllerRef, replicaSetObject } from './kube-objects.js';
import type { KubeObject } from './object-store.js';
import { templateHash } from './names.js';
import { templateKey, type LabState } from './lab-state.js';
import { resourceByKind } from './resources.js';
import { cloneJson } from './clone-json.js';

const owned = (p: any, uid: string | undefined) => p.metadata.ownerReferences?.some((r: any) => r.uid === uid);
/** The order the store lists objects in (byte order of names), so controllers act in the same order as before the indexes. */
const byName = (a: any, b: any) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

export class DeploymentController {
  constructor(private readonly lab: LabState) {}

  /**
   * Brings a Deployment's ReplicaSets and pods in line with its spec. Returns true when pods
   * changed (so CoreDNS replicas can be restarted).
   */
  reconcile(ns: string, name: string): boolean {
    const store = this.lab.store;
    const d = store.get('deployments', ns, name) as any;
    if (!d) return false;
    const sets = (store.ownedBy('replicasets', d.metadata.uid) as any[]).sort(byName);
    let current = sets.find((rs) => templateKey(rs.spec.template) === templateKey(d.spec.template));
    const revisions = sets.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    const nextRevision = String(Math.max(0, ...revisions) + 1);
    let changed = false;
    if (!current) {
      let collision = 0;
      let hash = templateHash(d.spec.template);
      while (store.get('replicasets', ns, `${name}-${hash}`)) hash = templateHash(d.spec.template, ++collision);
      const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
      current = store.create(
        resourceByKind('ReplicaSet')!,
        replicaSetObject({
          namespace: ns,
          name: `${name}-${hash}`,
          labels,
          revision: nextRevision,
          replicas: d.spec.replicas,
          owner: controllerRef('Deployment', name, d.metadata.uid),
          matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash },
          template: { metadata: { ...cloneJson(d.spec.template.metadata ?? {}), labels }, spec: cloneJson(d.spec.template.spec) },
        }),
      );
      store.update('deployments', { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': nextRevision } } });
    } else if (current.spec.replicas !== d.spec.replicas || sets.some((rs) => rs !== current && rs.spec.replicas !== 0)) {
      if (sets.some((rs) => rs !== current && rs.spec.replicas !== 0)) {
        // A rollback to an older template: that ReplicaSet becomes the newest revision again.
        current = store.update('replicasets', { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, 'deployment.kubernetes.io/revision': nextRevision } } });
        const fresh = store.get('deployments', ns, name) as any;
        store.update('deployments', { ...fresh, metadata: { ...fresh.metadata, annotations: { ...(fresh.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': nextRevision } } });
      }
    }
    const setUids = new Set([...sets.map((rs) => rs.metadata.uid), current.metadata.uid]);
    const pods = [...setUids].flatMap((uid) => store.ownedBy('pods', uid) as any[]).filter((p, i, all) => all.indexOf(p) === i).sort(byName);
    const oldPods = pods.filter((p) => !owned(p, current.metadata.uid));
    const newPods = pods.filter((p) => owned(p, current.metadata.uid));
    const desired: number = d.spec.replicas ?? 1;
    // Replace old pods one by one on the same nodes (surge then remove, as a rolling update does).
    for (const old of oldPods) {
      if (newPods.length < desired) {
        newPods.push(this.createPod(current, old.spec.nodeName));
      }
      store.delete('pods', ns, old.metadata.name);
      this.lab.runtime.delete(`${ns}/${old.metadata.name}`);
      changed = true;
    }
    while (newPods.length < desired) {
      newPods.push(this.createPod(current, this.lab.pickNode()));
      changed = true;
    }
    while (newPods.length > desired) {
      const gone = newPods.pop();
      store.delete('pods', ns, gone.metadata.name);
      this.lab.runtime.delete(`${ns}/${gone.metadata.name}`);
      changed = true;
    }
    for (const rs of (store.ownedBy('replicasets', d.metadata.uid) as any[]).sort(byName)) {
      const want = rs.metadata.uid === current.metadata.uid ? desired : 0;
      if (rs.spec.replicas !== want) {
        store.update('replicasets', {
          ...rs,
          metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(desired) } },
          spec: { ...rs.spec, replicas: want },
        });
      }
    }
    this.lab.refreshWorkloadStatus(ns, { deployment: name });
    return changed;
  }

  /** A ReplicaSet replaces a deleted pod (same node). Returns the new pod, if one was made. */
  replaceDeleted(deleted: KubeObject): KubeObject | undefined {
    const ref = deleted.metadata.ownerReferences?.find((r) => r.kind === 'ReplicaSet');
    if (!ref) return undefined;
    const ns = deleted.metadata.namespace!;
    const rs = this.lab.store.get('replicasets', ns, ref.name) as any;
    if (!rs) return undefined;
    const count = this.lab.store.ownedBy('pods', rs.metadata.uid).length;
    const made = count < rs.spec.replicas ? this.createPod(rs, (deleted as any).spec.nodeName) : undefined;
    this.lab.refreshWorkloadStatus(ns, { pod: deleted });
    return made;
  }

  private createPod(rs: any, node: string): any {
    const ns = rs.metadata.namespace;
    const deployName = rs.metadata.ownerReferences?.find((r: any) => r.kind === 'Deployment')?.name;
    const runtime = this.lab.templateCommands.get(`${ns}/${deployName}`) ?? { commands: ['cat'] };
    let name = `${rs.metadata.name}-${this.lab.suffix()}`;
    while (this.lab.pod(ns, name)) name = `${rs.metadata.name}-${this.lab.suffix()}`;
    const spec = cloneJson(rs.spec.template.spec);
    const ip = spec.hostNetwork ? this.lab.nodes.get(node)!.ip : this.lab.allocateIp(node);
    const pod = this.lab.addPod(ns, name, { ...rs.spec.template.metadata.labels }, spec, node, ip, 'Running', true, runtime, [controllerRef('ReplicaSet', rs.metadata.name, rs.metadata.uid)]);
    const annotations = rs.spec.template.metadata?.annotations;
    if (annotations) return this.lab.store.update('pods', { ...pod, metadata: { ...pod.metadata, annotations: { ...annotations } } });
    return pod;
  }
}
