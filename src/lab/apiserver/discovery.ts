/** Discovery: /version, /api, /apis and each group version's APIResourceList (legacy discovery, which kubectl falls back to). */
import { apiVersionOf, resourceTypes, subresources } from '../state/resources.js';
import { kubeletVersion } from '../state/kube-objects.js';

const groups = [...new Set(resourceTypes.filter((t) => t.group).map((t) => `${t.group}/${t.version}`))];

export function versionInfo(): unknown {
  const [major, minor] = kubeletVersion.slice(1).split('.');
  return {
    major,
    minor,
    gitVersion: kubeletVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:00:00Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function group(gv: string): unknown {
  const [name, version] = gv.split('/');
  return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(group) };
}

/** `/apis/<group>`, or undefined for an unknown group. */
export function apiGroup(name: string): unknown {
  const gv = groups.find((g) => g.startsWith(`${name}/`));
  return gv ? { kind: 'APIGroup', apiVersion: 'v1', ...(group(gv) as object) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when the lab does not serve it. */
export function apiResourceList(groupName: string, version: string): unknown {
  const types = resourceTypes.filter((t) => t.group === groupName && t.version === version);
  if (types.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const s of subresources.filter((x) => x.parent === t.plural)) {
      resources.push({ name: `${t.plural}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(types[0]!), resources };
}

/** The group versions served, as OpenAPI v3 names their documents (`api/v1`, `apis/apps/v1`). */
function openApiPaths(): string[] {
  return ['api/v1', ...groups.map((g) => `apis/${g}`)];
}

/**
 * `/openapi/v3`: the index of per-group-version documents. kubectl apply reads it to learn that the
 * server validates fields itself (the `fieldValidation` parameter of each PATCH), so it sends
 * `fieldValidation=Strict` instead of downloading schemas for client-side validation.
 */
export function openApiV3Root(): unknown {
  return { paths: Object.fromEntries(openApiPaths().map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=dnswhy-lab` }])) };
}

/** `/openapi/v3/<api/v1|apis/GROUP/VERSION>`: each resource's PATCH operation with its kind and the fieldValidation parameter. */
export function openApiV3Doc(path: string): unknown {
  const gv = path === 'api/v1' ? { group: '', version: 'v1' } : /^apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (!gv) return undefined;
  const [group, version] = Array.isArray(gv) ? [gv[1]!, gv[2]!] : [gv.group, gv.version];
  const types = resourceTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const prefix = group ? `/apis/${group}/${version}` : '/api/v1';
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const item = `${prefix}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    paths[item] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
        parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), param('force')],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas: {} } };
}
