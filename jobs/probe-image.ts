/**
 * Which image the worker's probe pods run: the configured one (DNSWHY_PROBE_IMAGE), else the image
 * the worker's own container runs (read from its pod, named by the downward API), so an overlay that
 * changes the image with kustomize `images:` changes the probes' image too; else this release's image.
 */
import type { ClusterAccess, ImagePullPolicy, ProbeImage } from '../src/core/cluster-access.js';
import { describeError } from './classify-error.js';
import { defaultProbeImage } from '../src/probes/gather/probe-pods.js';

/** The worker's container in deploy/base/worker.yaml (a sidecar injected before it must not be taken). */
export const workerContainerName = 'worker';

export interface ProbeImageConfig {
  image?: string;
  pullPolicy?: ImagePullPolicy;
  pullSecrets?: string[];
}

export interface ResolvedProbeImage {
  probeImage: ProbeImage;
  /** Where the image came from, for the start-up log line. */
  source: string;
}

/** Resolves the probe image once, at start. Never throws: a pod it cannot read falls back to the default with the reason. */
export async function resolveProbeImage(access: ClusterAccess, config: ProbeImageConfig, self?: { namespace: string; name: string }): Promise<ResolvedProbeImage> {
  const pull = { ...(config.pullPolicy ? { pullPolicy: config.pullPolicy } : {}), ...(config.pullSecrets?.length ? { pullSecrets: config.pullSecrets } : {}) };
  if (config.image) return { probeImage: { image: config.image, ...pull }, source: 'DNSWHY_PROBE_IMAGE' };
  if (!self) return { probeImage: { image: defaultProbeImage, ...pull }, source: 'the release default (POD_NAME and POD_NAMESPACE unset)' };
  try {
    const pod = await access.readPod(self.namespace, self.name);
    const i = pod.containers.indexOf(workerContainerName);
    const image = pod.images?.[i >= 0 ? i : 0];
    if (image) return { probeImage: { image, ...pull }, source: `the worker's own pod ${self.namespace}/${self.name}` };
    return { probeImage: { image: defaultProbeImage, ...pull }, source: `the release default (pod ${self.namespace}/${self.name} names no image)` };
  } catch (err) {
    return { probeImage: { image: defaultProbeImage, ...pull }, source: `the release default (could not read pod ${self.namespace}/${self.name}: ${describeError(err).message})` };
  }
}
