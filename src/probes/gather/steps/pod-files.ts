/**
 * The pod's /etc/resolv.conf and /etc/hosts through exec: `resolv-conf` and `hosts-file` evidence.
 * Its value is the resolv.conf text: the probes fall back to its nameserver and size the burst by its options.
 */
import { readPodFiles } from '../pod-exec.js';
import { defineStep } from '../step-graph.js';

export const podFilesStep = defineStep({
  name: 'pod files',
  inputs: {},
  async run(ctx) {
    ctx.progress('reading /etc/resolv.conf and /etc/hosts in the pod');
    const evidence = await readPodFiles(ctx.access, ctx.pod, ctx.container, ctx.timeouts.execMs);
    const rc = evidence.find((e) => e.kind === 'resolv-conf');
    return { value: { resolvConf: rc?.kind === 'resolv-conf' ? rc.text : undefined }, evidence };
  },
});
