/**
 * The probe namespace (DNSWHY_PROBE_NAMESPACE), checked once at start so a worker whose probe pods
 * would all be refused says so in its start-up log instead of in every report. Never throws: a
 * namespace that cannot be listed is reported with the reason.
 */
import type { ClusterAccess } from '../src/core/cluster-access.js';
import { describeError } from './classify-error.js';

export interface ProbeNamespaceStatus {
  name: string;
  exists: boolean | undefined;
  /** For the start-up log line. */
  detail: string;
}

export async function checkProbeNamespace(access: ClusterAccess, name: string): Promise<ProbeNamespaceStatus> {
  try {
    const exists = (await access.listNamespaces()).some((n) => n.name === name);
    return exists
      ? { name, exists, detail: `probe pods run in namespace ${name}` }
      : { name, exists, detail: `namespace ${name} does not exist: probe pods will be refused until it is created (the another-cluster-worker overlay creates it)` };
  } catch (err) {
    return { name, exists: undefined, detail: `namespace ${name} could not be checked (${describeError(err).message})` };
  }
}
