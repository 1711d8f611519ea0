#!/usr/bin/env node
/**
 * The dnswhy command. Each sub-command family registers itself from its own file under commands/.
 * Exit codes: 0 ok, 1 finding or invalid input, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { exitCodes } from './exit-codes.js';
import { corefileCommand } from './commands/corefile.js';
import { demoCommand } from './commands/demo.js';
import { healthCommand } from './commands/health.js';
import { labCommand } from './commands/lab.js';
import { labTestCommand } from './commands/lab-test.js';
import { probeCommand } from './commands/probe.js';
import { serveCommand } from './commands/serve.js';
import { whyCommand } from './commands/why.js';

export function buildProgram(): Command {
  const program = new Command('dnswhy')
    .description('Explains why a Kubernetes pod cannot resolve a name, and proposes a proven fix.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  // Sub-command families, one file each (keep this list sorted).
  program.addCommand(corefileCommand());
  program.addCommand(demoCommand());
  program.addCommand(healthCommand());
  program.addCommand(labCommand([labTestCommand()]));
  program.addCommand(probeCommand());
  program.addCommand(serveCommand());
  program.addCommand(whyCommand());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
