/** Options several sub-commands share, declared once so they read and behave the same everywhere. */
import { Option, type Command } from 'commander';

/** Which cluster: kubeconfig and context, or an in-process lab. `verb` says what the command does to it. */
export function addClusterOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('--context <ctx>', 'kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--lab <file>', `${verb} an in-process embedded lab started from this scenario file`);
}

/** --json or --markdown (never both) for what the command prints. */
export function addFormatOptions(cmd: Command, what: string): Command {
  return cmd.addOption(new Option('--json', `print the ${what} as JSON`).conflicts('markdown')).option('--markdown', `print the ${what} as Markdown`);
}
