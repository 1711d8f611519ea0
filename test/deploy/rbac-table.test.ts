/**
 * The API call table (src/probes/kube/api-calls.ts) is the source of truth for the shipped roles:
 * every call is granted by the roles of its group, and every grant in those roles is asked for by
 * some call, with the scope and object names the call needs (least privilege both ways).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authorize, serviceAccountUser, type BindingObject, type RbacObjects, type RoleObject } from '../../src/lab/rbac/authorizer.js';
import { loadShippedRbac, parseManifests, shippedRbacFiles, workerServiceAccount } from '../../src/lab/rbac/shipped-rbac.js';
import { apiCalls, type ApiCall, type ApiRole } from '../../src/probes/kube/api-calls.js';

const root = join(import.meta.dirname, '..', '..');
const worker = serviceAccountUser(workerServiceAccount.namespace, workerServiceAccount.name);
const corednsNamespace = 'kube-system';
const roleGroups = Object.keys(shippedRbacFiles) as ApiRole[];

function rbacOf(groups: readonly ApiRole[]): RbacObjects {
  const objs = loadShippedRbac(groups, root);
  return {
    roles: objs.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole') as unknown as RoleObject[],
    bindings: objs.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') as unknown as BindingObject[],
  };
}

/** The requests one call makes: where it runs, with the object names it uses. */
function requestsOf(c: ApiCall) {
  const namespaces = c.scope === 'cluster' ? [undefined] : c.scope === 'coredns-namespace' ? [corednsNamespace] : ['shop', corednsNamespace];
  const names = c.resourceNames ?? [undefined];
  return c.verbs.flatMap((verb) =>
    namespaces.flatMap((namespace) =>
      names.map((name) => ({ verb, group: c.group, resource: c.resource, ...(c.subresource ? { subresource: c.subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) })),
    ),
  );
}

/** One grant: a verb on a resource of a rule, and where its binding makes it count. */
interface Grant {
  where: string;
  verb: string;
  group: string;
  resource: string;
  resourceNames?: string[];
  clusterWide: boolean;
  namespace?: string;
}

function grantsOf(rbac: RbacObjects): Grant[] {
  const out: Grant[] = [];
  for (const b of rbac.bindings) {
    if (!(b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === workerServiceAccount.name)) continue;
    const role = rbac.roles.find((r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name);
    for (const [i, rule] of (role?.rules ?? []).entries()) {
      for (const verb of rule.verbs) for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) {
        out.push({
          where: `${role!.kind}/${role!.metadata.name} rule ${i + 1}`,
          verb,
          group,
          resource,
          ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
          clusterWide: b.kind === 'ClusterRoleBinding',
          ...(b.metadata.namespace ? { namespace: b.metadata.namespace } : {}),
        });
      }
    }
  }
  return out;
}

/** Does call c need grant g (same permission, a scope the call uses, names the call uses)? */
function needs(c: ApiCall, g: Grant): boolean {
  const res = c.subresource ? `${c.resource}/${c.subresource}` : c.resource;
  if (res !== g.resource || c.group !== g.group || !c.verbs.includes(g.verb)) return false;
  if (g.clusterWide !== (c.scope !== 'coredns-namespace')) return false;
  if (!g.clusterWide && g.namespace !== corednsNamespace) return false;
  if (g.resourceNames) return !!c.resourceNames && g.resourceNames.every((n) => c.resourceNames!.includes(n));
  return !c.resourceNames;
}

describe('the API call table and the shipped roles agree', () => {
  for (const group of roleGroups) {
    it(`every "${group}" call in the table is granted by ${shippedRbacFiles[group]}`, () => {
      const rbac = rbacOf(group === 'diagnose' ? ['diagnose'] : ['diagnose', group]);
      const refused = Object.entries(apiCalls)
        .filter(([, c]) => c.role === group)
        .flatMap(([id, c]) => requestsOf(c).filter((r) => !authorize(rbac, worker, r).allowed).map((r) => `${id}: ${r.verb} ${r.resource}${'subresource' in r ? `/${r.subresource}` : ''}${'namespace' in r ? ` in ${r.namespace}` : ' (cluster)'}${'name' in r ? ` "${r.name}"` : ''}`));
      expect(refused).toEqual([]);
    });

    it(`${shippedRbacFiles[group]} grants nothing the code never asks for`, () => {
      const unused = grantsOf(rbacOf([group]))
        .filter((g) => !Object.values(apiCalls).some((c) => c.role === group && needs(c, g)))
        .map((g) => `${g.where}: ${g.verb} ${g.resource}${g.resourceNames ? ` [${g.resourceNames.join(', ')}]` : ''} ${g.clusterWide ? 'cluster-wide' : `in ${g.namespace}`}`);
      expect(unused).toEqual([]);
    });
  }

  it('the diagnose role alone grants no write to workloads or ConfigMaps', () => {
    const rbac = rbacOf(['diagnose']);
    for (const c of Object.values(apiCalls).filter((x) => x.role === 'patch')) {
      for (const r of requestsOf(c)) expect(authorize(rbac, worker, r).allowed, `${r.verb} ${r.resource}`).toBe(false);
    }
  });

  it('reads only the CoreDNS ConfigMaps, by name, in the CoreDNS namespace', () => {
    const rbac = rbacOf(roleGroups);
    expect(authorize(rbac, worker, { verb: 'get', group: '', resource: 'configmaps', namespace: corednsNamespace, name: 'coredns' }).allowed).toBe(true);
    expect(authorize(rbac, worker, { verb: 'get', group: '', resource: 'configmaps', namespace: corednsNamespace, name: 'kubeadm-config' }).allowed).toBe(false);
    expect(authorize(rbac, worker, { verb: 'get', group: '', resource: 'configmaps', namespace: 'shop', name: 'coredns' }).allowed).toBe(false);
    expect(authorize(rbac, worker, { verb: 'list', group: '', resource: 'configmaps', namespace: corednsNamespace }).allowed).toBe(false);
    expect(authorize(rbac, worker, { verb: 'get', group: '', resource: 'secrets', namespace: corednsNamespace, name: 'x' }).allowed).toBe(false);
  });

  it('the rendered overlays carry the same RBAC objects the files hold, and no Secret', () => {
    const render = (overlay: string) => parseManifests(execFileSync('kubectl', ['kustomize', join(root, 'deploy', 'overlays', overlay)], { encoding: 'utf8' }), overlay);
    const rbacKinds = new Set(['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
    const key = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const pick = (objs: ReturnType<typeof render>) => objs.filter((o) => rbacKinds.has(o.kind)).sort((a, b) => key(a).localeCompare(key(b)));
    const aio = render('all-in-one');
    expect(pick(aio)).toEqual(pick(loadShippedRbac(['diagnose', 'patch'], root)));
    expect(pick(render('diagnose-only'))).toEqual(pick(loadShippedRbac(['diagnose'], root)));
    expect(aio.filter((o) => o.kind === 'Secret').map(key)).toEqual([]);
  });
});
