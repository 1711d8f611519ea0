#!/usr/bin/env node
/**
 * The dnswhy command. Each sub-command family registers itself from its own file under commands/.
 * Exit codes: 0 ok, 1 finding or invalid input, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { exitCodes } from './exit-codes.js';

/**
 * Sub-command families, one file each (keep this list sorted). Each is imported only when it is the
 * command being run (all of them for top-level help): `serve` alone pulls in Bolt, BullMQ and ioredis,
 * and `dnswhy lab FILE` must start in well under a second.
 */
const families: { name: string; load(): Promise<Command> }[] = [
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

/** Builds the program with the sub-command `argv` asks for, or with all of them when it names none. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('dnswhy')
    .description('Explains why a Kubernetes pod cannot resolve a name, and proposes a proven fix.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const asked = families.find((f) => f.name === argv[0]);
  for (const family of asked ? [asked] : families) program.addCommand(await family.load());
  // Sub-commands do not inherit exitOverride: without it commander exits 1 on their usage errors.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // Actions report their outcome through process.exitCode; start clean (main may run more than once in tests).
  process.exitCode = undefined;
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return exitCodes.ok;
      return exitCodes.usage;
    }
    process.stderr.write(`dnswhy: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodes.finding;
  }
}

const isEntry = process.argv[1] !== undefined && /main\.(ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
