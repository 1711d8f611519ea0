/**
 * `dnswhy corefile explain FILE NAME`: which server block, view and plugin answer NAME, with what, and
 * what the cache does with it. The Corefile's directory is mounted as /etc/coredns (imports, hosts files),
 * as in a CoreDNS pod; cluster objects the kubernetes plugin answers from come from `--services FILE.yaml`.
 * Exit 0 explained, 1 when the Corefile does not parse, 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { explain, type EvalWorld, type Explanation } from '../../core/corefile/evaluate/index.js';
import { clusterFromDocument } from '../../core/corefile/evaluate/cluster-input.js';
import { checkCorefile } from '../../core/corefile/validate.js';
import type { ClusterState } from '../../core/model/k8s.js';
import { exitCodes } from '../exit-codes.js';
import { addFormatOptions, outputFormat, toYaml } from '../common-options.js';
import { addExamples } from '../help.js';
import { mountCorefileDir } from '../mount-corefile-dir.js';
import { readCorefile } from '../read-corefile.js';
import { corednsVersionOption, intOption } from '../option-parsers.js';

interface ExplainOptions {
  type: string;
  client: string;
  port: number;
  json?: boolean;
  output?: string;
  services?: string;
  nodeResolvers?: string[];
  tcp?: boolean;
  corednsVersion?: string;
}


/** Human rendering of an explanation. */
export function renderExplanation(e: Explanation): string {
  const lines = [e.summary, ''];
  lines.push(`listener:     ${e.listener.transport}://:${e.listener.port}`);
  lines.push(`server block: ${e.serverBlock ? `${e.serverBlock.keys.join(' ')} (line ${e.serverBlock.line})` : 'none'}${e.view ? `, view ${e.view}` : ''}`);
  for (const v of e.viewsConsidered) lines.push(`  view ${v.view} (block ${v.block}): ${v.matched ? 'matched' : 'not matched'} — ${v.reason}`);
  lines.push(`plugins:      ${e.plugins.join(' → ') || '(none)'}`);
  lines.push(`answered by:  ${e.plugin ?? 'the server'}`);
  lines.push(`rcode:        ${e.rcode}${e.dropped ? ' (dropped: no reply)' : ''}`);
  if (e.forwardTo) lines.push(`forwarded to: ${e.forwardTo.map((u) => `${u.ip}:${u.port}`).join(', ')} (policy ${e.policy})`);
  for (const a of e.answers) lines.push(`  answer      ${a.name} ${a.ttl} ${a.type} ${a.data}`);
  for (const a of e.authority) lines.push(`  authority   ${a.name} ${a.ttl} ${a.type} ${a.data}`);
  lines.push(`cache:        ${e.cache.note}`);
  lines.push('', 'why:');
  e.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  return `${lines.join('\n')}\n`;
}

/** The `explain` sub-command of `dnswhy corefile`. */
export function explainCommand(): Command {
  const cmd = new Command('explain')
    .description('explain which server block and plugin answer NAME, with what, and what the cache does with it')
    .argument('<file>', 'the Corefile (its directory is mounted as /etc/coredns for imports and hosts files)')
    .argument('<name>', 'the query name')
    .option('--type <type>', 'query type', 'A')
    .option('--client <ip>', 'client (pod) IP the query comes from', '10.244.0.10')
    .option('--port <port>', 'listener port', intOption('--port', 1, 65535), 53)
    .option('--tcp', 'the query arrives over TCP')
    .option('--services <file.yaml>', 'cluster objects for the kubernetes plugin (ClusterState YAML or a kubectl List)')
    .option('--coredns-version <version>', 'CoreDNS version the cluster runs (default: the newest modelled)', corednsVersionOption)
    .option('--node-resolvers <ips>', 'nameservers of the CoreDNS node resolv.conf (for forward . /etc/resolv.conf), comma-separated', (v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .action((file: string, name: string, opts: ExplainOptions, cmd: Command) => {
      const text = readCorefile(file, cmd, 'dnswhy corefile explain');
      if (text === undefined) return;
      const files = mountCorefileDir(dirname(file));
      const parsed = checkCorefile(text, { file: `/etc/coredns/${basename(file)}`, files, ...(opts.corednsVersion ? { corednsVersion: opts.corednsVersion } : {}) });
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (!parsed.ok && parsed.model.blocks.length === 0) {
        for (const d of errors) process.stderr.write(`${file}:${d.pos?.line ?? 0}:${d.pos?.col ?? 0} ${d.message}\n`);
        process.exitCode = exitCodes.finding;
        return;
      }
      let cluster: ClusterState | undefined;
      if (opts.services) {
        try {
          cluster = clusterFromDocument(parseYaml(readFileSync(opts.services, 'utf8')));
        } catch (err) {
          cmd.error(`dnswhy corefile explain: --services ${opts.services}: ${(err as Error).message}`, { exitCode: exitCodes.usage });
          return;
        }
      }
      const world: EvalWorld = { files, ...(opts.corednsVersion ? { corednsVersion: opts.corednsVersion } : {}), ...(cluster ? { cluster } : {}), ...(opts.nodeResolvers ? { nodeResolvers: opts.nodeResolvers } : {}) };
      const e = explain(parsed.model, { name, type: opts.type.toUpperCase(), client: opts.client, port: opts.port, proto: opts.tcp ? 'tcp' : 'udp' }, world);
      for (const d of errors) process.stderr.write(`warning: ${file}:${d.pos?.line ?? 0}:${d.pos?.col ?? 0} ${d.message} (CoreDNS would not start with this Corefile)\n`);
      const format = outputFormat(opts);
      process.stdout.write(format === 'json' ? `${JSON.stringify(e, null, 2)}\n` : format === 'yaml' ? toYaml(e) : renderExplanation(e));
      process.exitCode = exitCodes.ok;
    });
  addFormatOptions(cmd, 'explanation', ['text', 'json', 'yaml']);
  return addExamples(cmd, [
    'dnswhy corefile explain ./Corefile s3.cloud-b.example',
    'dnswhy corefile explain ./Corefile web.mos.svc.cluster.local --services cluster.yaml --client 10.244.1.7',
    'dnswhy corefile explain ./Corefile example.com --type AAAA -o json',
  ]);
}
