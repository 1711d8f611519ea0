/**
 * Kubernetes RBAC as the API server's authorizer applies it, over Role, ClusterRole, RoleBinding
 * and ClusterRoleBinding objects: a request is allowed when a rule of a role bound to the user (or
 * one of its groups, or its service account) names the verb, the API group, the resource (with its
 * subresource, as `pods/exec`) and, for rules with resourceNames, the object's name. A RoleBinding
 * grants only in its own namespace; a ClusterRoleBinding everywhere. Members of system:masters are
 * allowed everything, as on a real cluster.
 */

export interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Meta {
  metadata: { name: string; namespace?: string };
}
export interface RoleObject extends Meta {
  kind: 'Role' | 'ClusterRole';
  rules?: RbacRule[];
}
export interface BindingObject extends Meta {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string; apiGroup?: string };
  subjects?: { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string }[];
}

export interface RbacObjects {
  roles: RoleObject[];
  bindings: BindingObject[];
}

export interface UserInfo {
  name: string;
  groups: string[];
}

/** One request as the authorizer sees it. */
export interface ResourceRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped resources and lists across all namespaces. */
  namespace?: string;
  name?: string;
}

export interface Decision {
  allowed: boolean;
  /** `ClusterRoleBinding/dnswhy-diagnose → ClusterRole/dnswhy-diagnose` when allowed. */
  by?: string;
}

/** The user of a service account, as tokens and messages name it. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

function subjectMatches(s: NonNullable<BindingObject['subjects']>[number], user: UserInfo, bindingNs: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  return user.name === `system:serviceaccount:${s.namespace ?? bindingNs}:${s.name}`;
}

/** Whether one rule grants the request. */
export function ruleAllows(rule: RbacRule, req: ResourceRequest): boolean {
  if (!rule.verbs.includes(req.verb) && !rule.verbs.includes('*')) return false;
  const groups = rule.apiGroups ?? [];
  if (!groups.includes(req.group) && !groups.includes('*')) return false;
  const wanted = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  const resources = rule.resources ?? [];
  const resourceOk = resources.includes(wanted) || resources.includes('*') || (req.subresource !== undefined && resources.includes(`*/${req.subresource}`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return req.name !== undefined && rule.resourceNames.includes(req.name);
  return true;
}

export function authorize(rbac: RbacObjects, user: UserInfo, req: ResourceRequest): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, by: 'group system:masters' };
  for (const b of rbac.bindings) {
    const bindingNs = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    if (b.kind === 'RoleBinding' && req.namespace !== bindingNs) continue;
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, bindingNs))) continue;
    const role = rbac.roles.find(
      (r) => r.kind === b.roleRef.kind && r.metadata.name === b.roleRef.name && (r.kind === 'ClusterRole' || r.metadata.namespace === bindingNs),
    );
    if (!role) continue;
    if ((role.rules ?? []).some((rule) => ruleAllows(rule, req))) {
      return { allowed: true, by: `${b.kind}/${b.metadata.name} → ${role.kind}/${role.metadata.name}` };
    }
  }
  return { allowed: false };
}
