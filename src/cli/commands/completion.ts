/**
 * `dnswhy completion bash|zsh|fish`: prints a shell completion script for the sub-commands and
 * their options, generated from the command tree itself (so it never lists an option that does
 * not exist). zsh uses the bash script through bashcompinit. Completes `dnswhy` and
 * `kubectl-dnswhy` (kubectl itself completes plugins through the kubectl_complete-dnswhy
 * convention, which this script also serves when linked under that name).
 */
import { Argument, Command } from 'commander';
import { addExamples } from '../help.js';

interface Family {
  name: string;
  load(): Promise<Command>;
}

/** One command of the tree: its path of words, sub-command names and option flags. */
interface Node {
  path: string[];
  subcommands: string[];
  flags: string[];
}

function walk(cmd: Command, path: string[], out: Node[]): void {
  const flags = ['--help', ...cmd.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)))];
  out.push({ path, subcommands: cmd.commands.map((c) => c.name()), flags: [...new Set(flags)] });
  for (const c of cmd.commands) walk(c, [...path, c.name()], out);
}

const fnName = '_dnswhy_complete';

function bashScript(nodes: Node[]): string {
  const key = (path: string[]) => path.map((p) => ` ${p}`).join('');
  const known = nodes.filter((n) => n.path.length > 0).map((n) => `"${key(n.path)}"`);
  const cases = nodes.map((n) => `    "${key(n.path)}") subs="${n.subcommands.join(' ')}" flags="${n.flags.join(' ')}" ;;`);
  return `# dnswhy completion for bash (source it, or put it in /etc/bash_completion.d/dnswhy)
${fnName}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" subs="" flags="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$path $w" in
      ${known.join('|')}) path="$path $w" ;;
    esac
  done
  case "$path" in
${cases.join('\n')}
  esac
  # Options after a dash; sub-commands where there are some; otherwise file names (Corefiles, scenarios).
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F ${fnName} dnswhy kubectl-dnswhy kubectl_complete-dnswhy
`;
}

function fishScript(nodes: Node[]): string {
  const lines = ['# dnswhy completion for fish (save as ~/.config/fish/completions/dnswhy.fish)'];
  for (const bin of ['dnswhy', 'kubectl-dnswhy']) {
    for (const n of nodes) {
      // At this node: every word of its path seen, and none of its sub-commands yet.
      const seen = n.path.map((p) => `__fish_seen_subcommand_from ${p}`);
      const notDeeper = n.subcommands.length ? [`not __fish_seen_subcommand_from ${n.subcommands.join(' ')}`] : [];
      const cond = n.path.length === 0 ? ['__fish_use_subcommand'] : [...seen, ...notDeeper];
      const at = `-n '${cond.join('; and ')}'`;
      if (n.subcommands.length) lines.push(`complete -c ${bin} ${at} -f -a '${n.subcommands.join(' ')}'`);
      for (const f of n.flags) lines.push(`complete -c ${bin} ${at} ${f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `completion` sub-command; `families` are the other sub-commands (loaded when it runs). */
export function completionCommand(families: readonly Family[]): Command {
  const cmd = new Command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish', _opts: unknown, self: Command) => {
      const root = new Command(self.parent?.name() ?? 'dnswhy');
      for (const f of families) if (f.name !== 'completion') root.addCommand(await f.load());
      root.addCommand(new Command('completion').argument('<shell>'));
      const nodes: Node[] = [];
      walk(root, [], nodes);
      const top = nodes[0]!;
      top.flags.push('--version', '--no-color');
      const script = shell === 'fish' ? fishScript(nodes) : shell === 'zsh' ? `#compdef dnswhy kubectl-dnswhy\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(nodes)}` : bashScript(nodes);
      process.stdout.write(script);
    });
  return addExamples(cmd, ['dnswhy completion bash > /etc/bash_completion.d/dnswhy', 'source <(dnswhy completion zsh)', 'dnswhy completion fish > ~/.config/fish/completions/dnswhy.fish']);
}
