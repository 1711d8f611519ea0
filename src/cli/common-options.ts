/** Options several sub-commands share, declared once so they read and behave the same everywhere. */
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';

/** Which cluster: kubeconfig and context, or an in-process lab. `verb` says what the command does to it. */
export function addClusterOptions(cmd: Command, verb: string): Command {
  return cmd
    .option('--context <ctx>', 'kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--lab <file>', `${verb} an in-process embedded lab started from this scenario file`);
}

/** The output formats every printing command offers, spelled as kubectl spells them. */
export const outputFormats = ['text', 'json', 'yaml', 'markdown'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export interface FormatOptions {
  output?: string;
  json?: boolean;
  markdown?: boolean;
}

/**
 * `-o, --output text|json|yaml|markdown` (or the `formats` given), with `--json` and `--markdown`
 * kept as aliases of `-o json` and `-o markdown`.
 */
export function addFormatOptions(cmd: Command, what: string, formats: readonly string[] = outputFormats): Command {
  cmd.addOption(new Option('-o, --output <format>', `how to print the ${what}`).choices(formats));
  const hasMarkdown = formats.includes('markdown');
  cmd.addOption(new Option('--json', 'same as -o json').conflicts(hasMarkdown ? ['markdown', 'output'] : ['output']));
  if (hasMarkdown) cmd.addOption(new Option('--markdown', 'same as -o markdown').conflicts('output'));
  return cmd;
}

/** The format asked for (text when none). */
export function outputFormat(opts: FormatOptions): string {
  return opts.json ? 'json' : opts.markdown ? 'markdown' : (opts.output ?? 'text');
}

/** A JSON-able value as YAML (the same fields as -o json). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
