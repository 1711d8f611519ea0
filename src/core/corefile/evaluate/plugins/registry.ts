/** Which plugins the evaluator models, and how each is built. Plugins absent here never answer. */
import { aclPlugin } from './acl.js';
import { anyPlugin } from './any.js';
import { autopathPlugin } from './autopath.js';
import { cachePlugin } from './cache.js';
import { chaosPlugin } from './chaos.js';
import type { PluginFactory } from './common.js';
import { filePlugin } from './file.js';
import { forwardPlugin } from './forward.js';
import { hostsPlugin } from './hosts.js';
import { k8sExternalPlugin } from './k8s-external.js';
import { kubernetesPlugin } from './kubernetes.js';
import { loadbalancePlugin } from './loadbalance.js';
import { localPlugin } from './local.js';
import { minimalPlugin } from './minimal.js';
import { rewritePlugin } from './rewrite.js';
import { templatePlugin } from './template.js';
import { whoamiPlugin } from './whoami.js';

/** Factories of the modelled plugins. */
export const pluginFactories: Readonly<Record<string, PluginFactory>> = {
  acl: aclPlugin,
  any: anyPlugin,
  autopath: autopathPlugin,
  cache: cachePlugin,
  chaos: chaosPlugin,
  file: filePlugin,
  forward: forwardPlugin,
  hosts: hostsPlugin,
  k8s_external: k8sExternalPlugin,
  kubernetes: kubernetesPlugin,
  loadbalance: loadbalancePlugin,
  local: localPlugin,
  minimal: minimalPlugin,
  rewrite: rewritePlugin,
  template: templatePlugin,
  whoami: whoamiPlugin,
};

/** Plugins that never answer and do not change answers (logging, metrics, process settings, filters). */
export const passivePlugins: ReadonlySet<string> = new Set([
  'errors', 'log', 'health', 'ready', 'prometheus', 'reload', 'loop', 'metadata', 'bufsize', 'bind', 'debug',
  'trace', 'pprof', 'view', 'root', 'nsid', 'dnstap', 'timeouts', 'cancel', 'header', 'tls',
  'import', 'multisocket', 'shed', 'geoip', 'proxyproto',
]);
