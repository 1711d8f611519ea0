#!/usr/bin/env node
/**
 * The dnswhy command (also the kubectl plugin `kubectl dnswhy`). Each sub-command family registers
 * itself from its own file under commands/. Exit codes: src/cli/exit-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import { setNoColorFlag } from './color.js';
import { exitCodeFor, exitCodeHelp, exitCodes } from './exit-codes.js';
import { invokedName } from './help.js';
import { splitGlobalOptions } from './global-options.js';

/**
 * Sub-command families, one file each (keep this list sorted). Each is imported only when it is the
 * command being run (all of them for top-level help): `serve` alone pulls in Bolt, BullMQ and ioredis,
 * and `dnswhy lab FILE` must start in well under a second.
 */
export interface CommandFamily {
  name: string;
  load(): Promise<Command>;
}

const families: CommandFamily[] = [
  { name: 'completion', load: async () => (await import('./commands/completion.js')).completionCommand(families) },
  { name: 'corefile', load: async () => (await import('./commands/corefile.js')).corefileCommand() },
  { name: 'demo', load: async () => (await import('./commands/demo.js')).demoCommand() },
  { name: 'health', load: async () => (await import('./commands/health.js')).healthCommand() },
  {
    name: 'lab',
    load: async () => {
      const [{ labCommand }, { labTestCommand }, { labGenerateCommand }] = await Promise.all([import('./commands/lab.js'), import('./commands/lab-test.js'), import('./commands/lab-generate.js')]);
      return labCommand([labTestCommand(), labGenerateCommand()]);
    },
  },
  { name: 'probe', load: async () => (await import('./commands/probe.js')).probeCommand() },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand() },
  { name: 'why', load: async () => (await import('./commands/why.js')).whyCommand() },
];

/**
 * Builds the program with the sub-command `argv` asks for, or with all of them when it names none.
 * @param name - `dnswhy`, or `kubectl dnswhy` when run as the plugin (help and usage say it)
 */
export async function buildProgram(argv: readonly string[] = [], name = 'dnswhy'): Promise<Command> {
  const program = new Command(name)
    .description('Explains why a Kubernetes pod cannot resolve a name, and proposes a proven fix.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `\nGlobal options (before or after the sub-command, as with kubectl):\n  -n, --namespace <ns>, --context <ctx>, --kubeconfig <path>   for the commands that take them\n  --no-color   never colour the output (so does NO_COLOR=1)\n\nExamples:\n  ${name} why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example\n  ${name} -n mos why deploy/mos-model s3.cloud-b.example -o json\n  ${name} corefile check ./Corefile\n  ${name} completion bash > /etc/bash_completion.d/dnswhy\n\n${exitCodeHelp}\n`,
    );
  const asked = families.find((f) => f.name === argv[0]);
  // `--version` needs no sub-command: loading them all (for the help) would pull in Bolt and BullMQ.
  const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
  for (const family of asked ? [asked] : versionOnly ? [] : families) program.addCommand(await family.load());
  // Sub-commands do not inherit exitOverride: without it commander exits 1 on their usage errors.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

/**
 * Runs the command line.
 * @param invokedAs - the program's path (process.argv[1]): `kubectl-dnswhy` makes it the kubectl plugin
 */
export async function main(rawArgv: string[], invokedAs: string | undefined = process.argv[1]): Promise<number> {
  // Actions report their outcome through process.exitCode; start clean (main may run more than once in tests).
  process.exitCode = undefined;
  const { argv, noColor } = splitGlobalOptions(rawArgv);
  setNoColorFlag(noColor);
  const program = await buildProgram(argv, invokedName(invokedAs));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return exitCodes.ok;
      return exitCodes.usage;
    }
    process.stderr.write(`dnswhy: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeFor(err);
  }
}

const isEntry = process.argv[1] !== undefined && /main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
