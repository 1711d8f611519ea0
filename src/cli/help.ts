/**
 * What every `--help` ends with: examples (written with `dnswhy`, shown with the name the command
 * was run as, so `kubectl dnswhy` when run as the kubectl plugin) and the exit codes.
 */
import type { Command } from 'commander';
import { exitCodeHelp } from './exit-codes.js';

/** The name of the root command (`dnswhy`, or `kubectl dnswhy` as the plugin). */
export function rootName(cmd: Command): string {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c.name();
}

/** Adds examples and the exit codes after the options in `cmd --help`. */
export function addExamples(cmd: Command, examples: readonly string[]): Command {
  return cmd.addHelpText('after', (ctx) => {
    const name = rootName(ctx.command);
    const lines = examples.map((e) => `  ${e.replace(/^dnswhy\b/, name)}`);
    return `\nExamples:\n${lines.join('\n')}\n\n${exitCodeHelp}\n`;
  });
}

/** How the command was invoked: `kubectl dnswhy` when through the kubectl-dnswhy binary. */
export function invokedName(argv1: string | undefined): string {
  const base = (argv1 ?? '').split(/[\\/]/).pop() ?? '';
  return /^kubectl-dnswhy(\.js)?$/.test(base) ? 'kubectl dnswhy' : 'dnswhy';
}
