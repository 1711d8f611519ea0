/** The pod-side probe program (`dnswhy probe --spec '<json>'`); the lab's probe runner loads it on first use. */
export { runPodProbe, type PodRuntime, type PodProbeOutput } from './run-pod-probe.js';
export { parsePodProbeSpec, podProbeSpecSchema, PodProbeSpecError, type PodProbeSpec, type PodProbeSpecInput } from './spec.js';
