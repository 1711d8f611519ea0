/**
 * The real Corefile engine for lab replicas: the parser and the evaluator's CorefileServer (src/core/corefile). A Corefile
 * with errors is refused (CorefileLoadError), as CoreDNS refuses to start or reload with it.
 * ConfigMap keys are visible under /etc/coredns/, where the CoreDNS Deployment mounts them.
 */
import { CorefileServer } from '../../core/corefile/evaluate/server.js';
import type { EvalWorld } from '../../core/corefile/evaluate/types.js';
import { corefilePath, fileSourceOf, mountedFiles } from '../../core/corefile/configmap-files.js';
import { checkCorefile } from '../../core/corefile/validate.js';
import { startupErrorLine } from '../../core/corefile/startup-errors.js';
import type { ClusterState } from '../../core/model/k8s.js';
import { CorefileLoadError, type CorefileEngine } from './corefile-engine.js';


/** Whether any server block has the `reload` plugin (reload is process-wide). */
function hasReloadPlugin(blocks: { directives: { name: string }[] }[]): boolean {
  return blocks.some((b) => b.directives.some((d) => d.name === 'reload'));
}

export const corefileServerEngine: CorefileEngine = (text, world, io) => {
  const files = fileSourceOf(mountedFiles(world.files));
  const version = world.corednsVersion ? { corednsVersion: world.corednsVersion } : {};
  // Parse, then plugin setup checks: CoreDNS refuses a Corefile failing either, at start and reload
  // (the same gate remediation applies before patching the ConfigMap).
  const parsed = checkCorefile(text, { file: corefilePath, files, ...version });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.ok || errors.length > 0) {
    const first = errors[0];
    const where = first?.pos ? `${first.pos.file}:${first.pos.line}:${first.pos.col}: ` : '';
    const plugin = first?.plugin ? `plugin/${first.plugin}: ` : '';
    throw new CorefileLoadError(`${where}${plugin}${first?.message ?? 'the Corefile does not parse'}`, first ? startupErrorLine(first, corefilePath) : undefined);
  }
  const evalWorld: EvalWorld = {
    get cluster(): ClusterState {
      return world.cluster;
    },
    nodeResolvers: world.nodeResolvers,
    files,
  };
  // Both message types are dns-packet's Packet shape; only their declared optional fields differ.
  const server = new CorefileServer(parsed.model, evalWorld, {
    now: () => io.now(),
    random: () => io.random(),
    exchange: async (upstream, query, proto) => (await io.exchange(upstream, query as never, proto)) as never,
    // Passed through for when the server reports cache lookups (additive).
    ...(io.observe ? { observe: io.observe } : {}),
    ...(io.forwardDeadlineMs !== undefined ? { forwardDeadlineMs: io.forwardDeadlineMs } : {}),
  } as ConstructorParameters<typeof CorefileServer>[2]);
  return {
    handle: (query, client, trace) => server.handle(query as never, client, trace) as never,
    freshTtl: (hit) => server.freshTtl(hit),
    hasReload: hasReloadPlugin(parsed.model.blocks),
    serverAddresses: [...new Set(parsed.model.blocks.flatMap((b) => b.addresses.map((a) => `${a.transport === 'dns' ? '' : `${a.transport}://`}${a.zone}:${a.port}`)))],
    plugins: [...new Set(parsed.model.blocks.flatMap((b) => b.directives.map((d) => d.name)))],
    loopZones: [...new Set(parsed.model.blocks.filter((b) => b.directives.some((d) => d.name === 'loop')).map((b) => b.addresses[0]?.zone ?? '.'))],
  };
};
