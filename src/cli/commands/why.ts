/**
 * `dnswhy why POD NAME[:PORT]`: diagnose one lookup against the user's cluster, or an in-process lab.
 * Exit 0 when the name resolves and connects, 1 when a problem is reported, 2 on usage errors, 3 when
 * it could not tell (the cluster cannot be reached or refuses, the pod does not exist, inconclusive).
 */
import { Command } from 'commander';
import { InputError, parseTargetName } from '../../core/input/target-name.js';
import { addClusterOptions, addFormatOptions, outputFormat, outputFormats, toYaml } from '../common-options.js';
import { addExamples } from '../help.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { useColor } from '../color.js';
import { intOption } from '../option-parsers.js';
import { progressReporter } from '../progress.js';
import { backendOption, enterBackend, type LabBackendName } from '../lab-backend-option.js';

export function whyCommand(): Command {
  const cmd = new Command('why')
    .description('explain why POD cannot resolve NAME (or show that it can)')
    .argument('<pod>', 'ns/pod, pod (with -n), deploy/name, or a unique prefix of a pod name')
    .argument('<name>', 'the DNS name, optionally NAME:PORT with the TCP port the application connects to')
    .option('-n, --namespace <ns>', 'namespace of the pod');
  addFormatOptions(addClusterOptions(cmd, 'diagnose'), 'report (wide: the text with the details)', [...outputFormats, 'wide'])
    .option('-v, --verbose', 'add the details: every explanation, the evidence by id, each fix\'s proof and change, the resolution path')
    .option('--burst <count>', 'burst probe size (queries)', intOption('--burst', 1), 200)
    .option('--concurrency <n>', 'burst probe concurrency', intOption('--concurrency', 1), 20)
    .addOption(backendOption());
  addExamples(cmd, [
    'dnswhy why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example',
    'dnswhy -n mos why deploy/mos-model s3.cloud-b.example:443 -o json',
    'dnswhy why mos/web api.example.com --context prod -o wide',
    'dnswhy why mos/mos-model s3.cloud-b.example --lab scenarios/000-hybrid-cloud-split-horizon.yaml',
  ]);
  return cmd.action(async (podArg: string, nameArg: string, opts: WhyOptions, cmd: Command) => {
      let target;
      try {
        target = parseTargetName(nameArg);
      } catch (err) {
        if (err instanceof InputError) cmd.error(`dnswhy why: ${err.message}`, { exitCode: exitCodes.usage });
        throw err;
      }
      if (opts.lab && (await enterBackend(opts.backend))) return;
      // Loaded only when the command runs, so `dnswhy --help` and other commands start fast.
      const [{ openCluster }, { runDiagnosis }, { renderJson }, { renderMarkdown }, { renderText }] = await Promise.all([
        import('../../diagnosis/open-cluster.js'),
        import('../../diagnosis/run-diagnosis.js'),
        import('../../core/report/render-json.js'),
        import('../../core/report/render-markdown.js'),
        import('../../core/report/render-text.js'),
      ]);
      const cluster = await openCluster({ lab: opts.lab, kubeconfig: opts.kubeconfig, context: opts.context });
      const progress = progressReporter(process.stderr);
      try {
        const report = await runDiagnosis(
          cluster,
          { pod: podArg, namespace: opts.namespace, name: target.name, port: target.port },
          { burst: { count: opts.burst, concurrency: opts.concurrency }, onProgress: progress.update },
        );
        progress.done();
        const format = outputFormat(opts);
        const docsBaseUrl = process.env.DNSWHY_DOCS_BASE_URL;
        const out =
          format === 'json'
            ? renderJson(report)
            : format === 'yaml'
              ? toYaml(JSON.parse(renderJson(report)))
              : format === 'markdown'
              ? renderMarkdown(report, docsBaseUrl ? { docsBaseUrl } : {})
              : renderText(report, { color: useColor(process.stdout), verbose: opts.verbose === true || format === 'wide', ...(docsBaseUrl ? { docsBaseUrl } : {}) });
        process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
        process.exitCode = { healthy: exitCodes.ok, broken: exitCodes.finding, inconclusive: exitCodes.couldNotTell }[report.verdict];
      } catch (err) {
        progress.done();
        const candidates = (err as { candidates?: string[] }).candidates;
        process.stderr.write(`dnswhy why: ${(err as Error).message}\n`);
        if (candidates?.length) process.stderr.write(`closest pods: ${candidates.join(', ')}\n`);
        process.exitCode = exitCodeFor(err);
      } finally {
        await cluster.close();
      }
    });
}

interface WhyOptions {
  backend?: LabBackendName;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  lab?: string;
  json?: boolean;
  markdown?: boolean;
  verbose?: boolean;
  output?: string;
  burst: number;
  concurrency: number;
}
