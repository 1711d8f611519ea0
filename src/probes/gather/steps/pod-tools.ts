/** The image's own resolver tools (getent, else nslookup) through exec: `tool-output` evidence, as the application would see the name. */
import { runPodTools } from '../pod-exec.js';
import { defineStep } from '../step-graph.js';

export const podToolsStep = defineStep({
  name: 'pod tools',
  inputs: {},
  async run(ctx) {
    const evidence = await runPodTools(ctx.access, ctx.pod, ctx.container, ctx.target.name, ctx.timeouts.toolMs);
    ctx.progress('pod tools finished');
    return { value: undefined, evidence };
  },
});
