/**
 * `dnswhy lab generate --nodes N --pods M [...] [--out FILE]`: writes a healthy scenario of that size
 * (src/lab/scenario/generate-scale.ts), so the scale figures of bench/ can be reproduced by anyone.
 * YAML on stdout or into FILE; JSON when FILE ends in .json (the lab reads either; JSON loads faster).
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { exitCodes } from '../exit-codes.js';
import { intOption } from '../option-parsers.js';
import { addExamples } from '../help.js';

interface GenerateOptions {
  nodes: number;
  pods: number;
  podsPerDeployment: number;
  serviceShare: number;
  namespaces: number;
  zones: number;
  corednsReplicas?: number;
  seed: number;
  name?: string;
  out?: string;
}

function shareOption(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1) || value.trim() === '') throw new InvalidArgumentError(`--service-share must be a number from 0 to 1, got "${value}"`);
  return n;
}

export function labGenerateCommand(): Command {
  const cmd = new Command('generate')
    .description('write a healthy scenario of the given size (nodes, pods in Deployments, Services)')
    .requiredOption('--nodes <n>', 'number of nodes', intOption('--nodes', 1))
    .requiredOption('--pods <n>', 'number of application pods', intOption('--pods', 1))
    .option('--pods-per-deployment <n>', 'pods per Deployment', intOption('--pods-per-deployment', 1), 10)
    .option('--service-share <x>', 'share of Deployments with a Service (0..1)', shareOption, 1)
    .option('--namespaces <n>', 'namespaces the Deployments are spread over', intOption('--namespaces', 1), 20)
    .option('--zones <n>', 'zones the nodes are spread over', intOption('--zones', 1), 3)
    .option('--coredns-replicas <n>', 'CoreDNS replicas (default: one per zone)', intOption('--coredns-replicas', 1))
    .option('--seed <n>', 'scenario seed', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--name <name>', 'scenario name (default: scale-N-nodes-M-pods)')
    .option('-o, --out <file>', 'write to FILE (.json: JSON, else YAML) instead of stdout')
    .action(async (opts: GenerateOptions) => {
      const { generateScaleScenario, ScaleOptionError } = await import('../../lab/scenario/generate-scale.js');
      let scenario: Record<string, unknown>;
      try {
        scenario = generateScaleScenario({
          nodes: opts.nodes,
          pods: opts.pods,
          podsPerDeployment: opts.podsPerDeployment,
          serviceShare: opts.serviceShare,
          namespaces: opts.namespaces,
          zones: opts.zones,
          ...(opts.corednsReplicas !== undefined ? { corednsReplicas: opts.corednsReplicas } : {}),
          seed: opts.seed,
          ...(opts.name ? { name: opts.name } : {}),
        });
      } catch (err) {
        if (!(err instanceof ScaleOptionError)) throw err;
        process.stderr.write(`dnswhy lab generate: ${err.message}\n`);
        process.exitCode = exitCodes.usage;
        return;
      }
      const text = opts.out?.endsWith('.json') ? `${JSON.stringify(scenario)}\n` : (await import('yaml')).stringify(scenario, { lineWidth: 0 });
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
      process.exitCode = exitCodes.ok;
    });
  return addExamples(cmd, ['dnswhy lab generate --nodes 300 --pods 30000 --out big.yaml', 'dnswhy lab generate --nodes 3 --pods 20 --zones 1']);
}
