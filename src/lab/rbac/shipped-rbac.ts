/**
 * The RBAC objects dnswhy ships in deploy/ (the ServiceAccount, roles and bindings a user applies),
 * read from the same files, so the lab authorises the worker exactly as a cluster with those files
 * applied would. Grouped by the roles of the API call table: diagnose (deploy/base), patch and
 * ephemeral-probes (deploy/components).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../cli/package-root.js';
import type { ApiRole } from '../../probes/kube/api-calls.js';

/** deploy/ files per role group, relative to the package root. */
export const shippedRbacFiles: Record<ApiRole, string> = {
  diagnose: 'deploy/base/rbac/diagnose.yaml',
  patch: 'deploy/components/patch-rights/rbac-patch.yaml',
  'ephemeral-probes': 'deploy/components/ephemeral-probes/rbac-ephemeral.yaml',
};

/** The worker's service account, as the shipped files name it. */
export const workerServiceAccount = { namespace: 'dnswhy', name: 'dnswhy-worker' } as const;

export interface ShippedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Parses one multi-document YAML text into objects (empty documents skipped). */
export function parseManifests(text: string, source: string): ShippedObject[] {
  return parseAllDocuments(text)
    .map((d, i) => {
      if (d.errors.length) throw new Error(`${source}: document ${i + 1}: ${d.errors[0]!.message}`);
      return d.toJS() as ShippedObject | null;
    })
    .filter((o): o is ShippedObject => o !== null && typeof o === 'object');
}

/** The objects of the given role groups, in file order (diagnose first: it holds the ServiceAccount). */
export function loadShippedRbac(groups: readonly ApiRole[] = ['diagnose', 'patch', 'ephemeral-probes'], root = packageRoot()): ShippedObject[] {
  return groups.flatMap((g) => {
    const file = join(root, shippedRbacFiles[g]);
    return parseManifests(readFileSync(file, 'utf8'), file);
  });
}
