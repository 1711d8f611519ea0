/**
 * `dnswhy health`: a DNS health summary of the cluster (or an in-process lab) now: CoreDNS
 * replicas and their spread, latency/loss from sample nodes, rcode ratios, cache, upstreams, config.
 * Exit 0 when ok, 1 when degraded or broken, 2 on usage errors, 3 when the cluster cannot be opened or read.
 */
import { Command } from 'commander';
import { addClusterOptions, addFormatOptions, outputFormat, toYaml } from '../common-options.js';
import { addExamples } from '../help.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { intOption } from '../option-parsers.js';

interface HealthOptions {
  context?: string;
  kubeconfig?: string;
  lab?: string;
  json?: boolean;
  markdown?: boolean;
  output?: string;
  burst: number;
  sampleNodes: number;
}

export function healthCommand(): Command {
  const cmd = new Command('health').description(
    'summarise cluster DNS health now (CoreDNS replicas, spread, latency/loss, rcodes, cache, upstreams, config)',
  );
  addExamples(cmd, ['dnswhy health', 'dnswhy health --context prod -o json', 'dnswhy health --lab scenarios/000-hybrid-cloud-split-horizon.yaml --burst 0']);
  return addFormatOptions(addClusterOptions(cmd, 'summarise'), 'summary')
    .option('--burst <count>', 'queries per target in the latency sample (0 skips it)', intOption('--burst', 0), 20)
    .option('--sample-nodes <n>', 'at most this many sample nodes (one per zone)', intOption('--sample-nodes', 1), 3)
    // Usage errors throw to main(), which exits 2 (commander would exit 1 itself from a sub-command).
    .exitOverride()
    .action(async (opts: HealthOptions) => {
      // Heavy modules load here, not at start-up (dnswhy's other commands stay fast).
      const [{ openCluster }, { gatherHealth }, health] = await Promise.all([
        import('../../diagnosis/open-cluster.js'),
        import('../../probes/health/gather-health.js'),
        import('../../core/health/index.js'),
      ]);
      let cluster;
      try {
        cluster = await openCluster({ ...(opts.lab ? { lab: opts.lab } : {}), ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) });
      } catch (err) {
        process.stderr.write(`dnswhy health: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
        return;
      }
      try {
        // An API server that does not answer (or refuses) leaves nothing to summarise: say so and exit 3,
        // rather than report "no CoreDNS replica" for a cluster that was never seen.
        await cluster.access.readService('kube-system', 'kube-dns').catch((err: unknown) => {
          if ((err as { code?: string }).code !== 'cluster-not-found') throw err;
        });
        const input = await gatherHealth(cluster.access, { cluster: cluster.name, burst: { count: opts.burst, concurrency: Math.min(5, Math.max(1, opts.burst)) }, sampleNodes: opts.sampleNodes });
        const summary = health.buildHealthSummary(input);
        const format = outputFormat(opts);
        const out = format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : format === 'yaml' ? toYaml(summary) : format === 'markdown' ? health.renderHealthMarkdown(summary) : health.renderHealthText(summary);
        process.stdout.write(out);
        process.exitCode = summary.status === 'ok' ? exitCodes.ok : exitCodes.finding;
      } catch (err) {
        process.stderr.write(`dnswhy health: ${(err as Error).message}\n`);
        process.exitCode = exitCodeFor(err);
      } finally {
        await cluster.close();
      }
    });
}
