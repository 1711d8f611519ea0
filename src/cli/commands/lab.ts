/**
 * `dnswhy lab FILE`: runs the lab of a scenario until SIGINT/SIGTERM. The first stdout line is
 * `export KUBECONFIG=<absolute path>` (so `eval "$(dnswhy lab FILE | head -1)"` works), then a
 * short summary. Sub-commands (e.g. `lab test`) are added by the caller.
 */
import { Command } from 'commander';
import { exitCodes } from '../exit-codes.js';
import { intOption } from '../option-parsers.js';
import { backendOption, enterBackend, type LabBackendName } from '../lab-backend-option.js';
import { addExamples } from '../help.js';

export interface LabCommandOptions {
  kubeconfigDir?: string;
  port?: number;
  secondOctet?: number;
  dns: boolean;
  backend?: LabBackendName;
}

/** Runs a lab until one of `signals` arrives; resolves with the exit code. */
export async function runLab(
  file: string,
  opts: LabCommandOptions,
  io: { out: (line: string) => void; err: (line: string) => void; signals?: NodeJS.Signals[] } = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  },
): Promise<number> {
  // Loaded here so `dnswhy --help` and other commands do not pay for the lab's imports.
  const [{ startLab }, { ScenarioError }] = await Promise.all([import('../../lab/lab.js'), import('../../lab/scenario/scenario-error.js')]);
  let lab;
  try {
    lab = await startLab(file, {
      ...(opts.kubeconfigDir ? { kubeconfigDir: opts.kubeconfigDir } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.secondOctet !== undefined ? { secondOctet: opts.secondOctet } : {}),
      ...(opts.dns ? {} : { dns: false as const }),
    });
  } catch (e) {
    io.err(e instanceof ScenarioError ? e.message : `dnswhy lab: ${(e as Error).message}`);
    return exitCodes.finding;
  }
  const s = lab.scenario;
  // Listen for the signals before the first line goes out: whoever reads that line may signal at
  // once, and without a listener Node's default action kills the process with the lab running.
  const signals = io.signals ?? ['SIGINT', 'SIGTERM'];
  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => {
      for (const sig of signals) process.off(sig, onSignal);
      resolve();
    };
    for (const sig of signals) process.on(sig, onSignal);
  });
  io.out(`export KUBECONFIG=${lab.kubeconfigPath}`);
  io.out(`# lab "${s.name}" (seed ${s.seed}): API ${lab.apiUrl}`);
  io.out(`# ${s.nodes.length} nodes, ${s.pods.length} pods, ${s.coredns.pods.length} CoreDNS replicas, DNS Service ${s.cluster.dnsService.ip}, ${s.resolvers.length} resolvers${lab.dns ? '' : ' (DNS not running: --no-dns)'}`);
  for (const note of lab.notes) io.out(`# ${lab.backendName}: ${note}`);
  io.out('# try: kubectl get pods -A -o wide; stop with Ctrl-C');
  await stopped;
  await lab.stop();
  io.err('dnswhy lab: stopped');
  return exitCodes.ok;
}

/** The `lab` command: `dnswhy lab [options] FILE`, plus the given sub-commands (e.g. `test`). */
export function labCommand(subcommands: Command[] = []): Command {
  const cmd = new Command('lab')
    .description('run the embedded lab of a scenario file (Kubernetes API, CoreDNS, resolvers) until interrupted')
    .argument('[file]', 'scenario file (see docs/lab-scenario.md)')
    .option('--kubeconfig-dir <dir>', 'where to write the kubeconfig (default: a new temporary folder)')
    .option('--port <port>', 'API server port (default: any free port)', intOption('--port', 0, 65535))
    .option('--second-octet <n>', 'use 127.<n>.x.y for the lab addresses', intOption('--second-octet', 1, 254))
    .option('--no-dns', 'run only the Kubernetes API side (no DNS servers)')
    .addOption(backendOption())
    .action(async (file: string | undefined, opts: LabCommandOptions, self: Command) => {
      if (!file) {
        self.outputHelp();
        process.exitCode = exitCodes.usage;
        return;
      }
      if (await enterBackend(opts.backend)) return;
      process.exitCode = await runLab(file, opts);
    });
  for (const sub of subcommands) cmd.addCommand(sub);
  return addExamples(cmd, ['dnswhy lab scenarios/000-hybrid-cloud-split-horizon.yaml', 'dnswhy lab scenarios/000-hybrid-cloud-split-horizon.yaml --kubeconfig-dir /tmp/lab && kubectl --kubeconfig /tmp/lab/kubeconfig get pods -A']);
}
