/** The pod-side probe program (`dnswhy probe --spec '<json>'`); LABAPI loads it dynamically. */
export { runPodProbe, type PodRuntime, type PodProbeOutput } from './run-pod-probe.js';
export { parsePodProbeSpec, podProbeSpecSchema, PodProbeSpecError, type PodProbeSpec, type PodProbeSpecInput } from './spec.js';
