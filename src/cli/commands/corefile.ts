/**
 * `dnswhy corefile check FILE` and `dnswhy corefile fmt FILE` (and `explain`, from corefile-explain.ts).
 * The Corefile's directory is mounted as /etc/coredns, as in a CoreDNS pod, so `import` and relative
 * paths resolve the way CoreDNS resolves them; positions are printed with the file names you gave.
 * Exit codes: 0 valid, 1 invalid (with `FILE:LINE:COL message` lines), 2 usage, 3 the file cannot be read.
 */
import { basename, dirname, join, relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { formatDiagnostic } from '../../core/corefile/errors.js';
import { formatCorefile } from '../../core/corefile/fmt.js';
import type { Diagnostic } from '../../core/corefile/model.js';
import { checkCorefile } from '../../core/corefile/validate.js';
import { newestCorednsVersion } from '../../core/corefile/version.js';
import { exitCodes } from '../exit-codes.js';
import { addFormatOptions, outputFormat, toYaml } from '../common-options.js';
import { addExamples } from '../help.js';
import { readCorefile } from '../read-corefile.js';
import { mountCorefileDir, mountRoot } from '../mount-corefile-dir.js';
import { corednsVersionOption } from '../option-parsers.js';
// The explain sub-command (dnswhy corefile explain FILE NAME …):
import { explainCommand } from './corefile-explain.js';


function envArg(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected NAME=VALUE');
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

/** Maps /etc/coredns/... back to the paths the user knows. */
function localName(file: string): (f: string) => string {
  const mounted = `${mountRoot}/${basename(file)}`;
  return (f) => (f === mounted ? file : f.startsWith(`${mountRoot}/`) ? join(dirname(file), f.slice(mountRoot.length + 1)) : f);
}

interface CheckOptions {
  json?: boolean;
  output?: string;
  corednsVersion: string;
  env?: Record<string, string>;
  verbose?: boolean;
}

/** Checks a Corefile as `check` does (its folder mounted as /etc/coredns). */
function checkAsCoreDns(file: string, text: string, opts: { env?: Record<string, string>; corednsVersion: string }) {
  return checkCorefile(text, {
    file: `${mountRoot}/${basename(file)}`,
    files: mountCorefileDir(dirname(file)),
    env: opts.env ?? {},
    corednsVersion: opts.corednsVersion,
  });
}

function checkAction(file: string, opts: CheckOptions, cmd: Command): void {
  const text = readCorefile(file, cmd);
  if (text === undefined) return;
  const result = checkAsCoreDns(file, text, opts);
  const name = localName(file);
  const format = outputFormat(opts);
  const structured = format === 'json' || format === 'yaml';
  const shown = result.diagnostics.filter((d) => opts.verbose || structured || d.severity !== 'info');
  if (structured) {
    const json = {
      file,
      ok: result.ok,
      corednsVersion: opts.corednsVersion,
      usedDefault: result.model.usedDefault,
      blocks: result.model.blocks.map((b) => ({
        keys: b.keys.map((k) => k.text),
        addresses: b.addresses.map((a) => `${a.transport}://${a.zone}:${a.port}`),
        file: name(b.pos.file),
        line: b.pos.line,
        plugins: [...new Set(b.directives.map((d) => d.name))],
      })),
      importedFiles: result.model.importedFiles.map(name),
      diagnostics: shown.map((d: Diagnostic) => ({
        severity: d.severity,
        message: d.message,
        plugin: d.plugin,
        file: d.pos ? name(d.pos.file) : file,
        line: d.pos?.line,
        col: d.pos?.col,
      })),
    };
    process.stdout.write(format === 'yaml' ? toYaml(json) : `${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const d of shown) process.stdout.write(`${formatDiagnostic(d, file, name)}\n`);
    if (result.ok) process.stdout.write(`${file}: valid for CoreDNS ${opts.corednsVersion}\n`);
  }
  process.exitCode = result.ok ? exitCodes.ok : exitCodes.finding;
}

/**
 * Formats only what `check` accepts: formatting a Corefile CoreDNS would refuse would hide the
 * problem behind tidy indentation, so the errors are printed instead (and nothing on stdout).
 */
function fmtAction(file: string, opts: { indent?: string; env?: Record<string, string>; corednsVersion: string }, cmd: Command): void {
  const text = readCorefile(file, cmd);
  if (text === undefined) return;
  const result = checkAsCoreDns(file, text, opts);
  if (!result.ok || !result.syntax.complete) {
    const name = localName(file);
    for (const d of result.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(`${formatDiagnostic(d, file, name)}\n`);
    process.stderr.write(`dnswhy corefile fmt: ${file} is not a valid Corefile for CoreDNS ${opts.corednsVersion}; nothing was formatted\n`);
    process.exitCode = exitCodes.finding;
    return;
  }
  const indent = opts.indent === undefined ? undefined : opts.indent === 'tab' ? '\t' : ' '.repeat(Number(opts.indent));
  process.stdout.write(formatCorefile(result.syntax, indent === undefined ? {} : { indent }));
}

function indentArg(v: string): string {
  if (v === 'tab' || /^[1-8]$/.test(v)) return v;
  throw new InvalidArgumentError("expected 1-8 (spaces) or 'tab'");
}

/** The `corefile` command family. */
export function corefileCommand(): Command {
  const check = new Command('check')
    .description('check a Corefile as CoreDNS would load it: grammar, server block keys, plugin arguments')
    .argument('<file>', 'the Corefile (its directory is mounted as /etc/coredns for imports)')
    .option('--coredns-version <version>', 'judge against this CoreDNS version', corednsVersionOption, newestCorednsVersion)
    .option('--env <NAME=VALUE>', 'environment of the CoreDNS container for {$NAME} substitution (repeatable)', envArg)
    .option('--verbose', 'also print informational notes (e.g. plugins not modelled)')
    .exitOverride()
    .action((file: string, opts: CheckOptions, cmd: Command) => checkAction(file, opts, cmd));
  addFormatOptions(check, 'result', ['text', 'json', 'yaml']);
  addExamples(check, ['dnswhy corefile check ./Corefile', 'dnswhy corefile check ./Corefile --coredns-version 1.11.1 -o json', "kubectl -n kube-system get cm coredns -o jsonpath='{.data.Corefile}' > Corefile && dnswhy corefile check Corefile"]);
  const fmt = new Command('fmt')
    .description('print the Corefile with normalised indentation (nothing else changes)')
    .argument('<file>', 'the Corefile')
    .option('--indent <n|tab>', 'one indentation level: 1-8 spaces or tab (default: what the file uses, else 4 spaces)', indentArg)
    .option('--coredns-version <version>', 'refuse what this CoreDNS version would refuse', corednsVersionOption, newestCorednsVersion)
    .option('--env <NAME=VALUE>', 'environment of the CoreDNS container for {$NAME} substitution (repeatable)', envArg)
    .exitOverride()
    .action((file: string, opts: { indent?: string; env?: Record<string, string>; corednsVersion: string }, cmd: Command) => fmtAction(file, opts, cmd));
  addExamples(fmt, ['dnswhy corefile fmt ./Corefile', 'dnswhy corefile fmt ./Corefile --indent tab > Corefile.new']);
  return addExamples(
    new Command('corefile')
      .description('check, format and explain CoreDNS Corefiles')
      .exitOverride()
      .addCommand(check)
      .addCommand(fmt)
      // `dnswhy corefile explain` (src/cli/commands/corefile-explain.ts)
      .addCommand(explainCommand().exitOverride()),
    ['dnswhy corefile check ./Corefile', 'dnswhy corefile explain ./Corefile s3.cloud-b.example'],
  );
}
