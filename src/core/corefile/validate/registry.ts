/**
 * The plugins whose setup() arguments are modelled, keyed by directive name (an explicit list, in
 * the spirit of CoreDNS's plugin.cfg). Any other directive is checked for grammar only.
 */
import type { PluginValidator } from './context.js';
import { validateAcl } from './plugins/acl.js';
import { validateAutopath } from './plugins/autopath.js';
import { validateBind } from './plugins/bind.js';
import { validateBufsize } from './plugins/bufsize.js';
import { validateCache } from './plugins/cache.js';
import { validateErrors } from './plugins/errors.js';
import { validateFile } from './plugins/file.js';
import { validateForward } from './plugins/forward.js';
import { validateHeader } from './plugins/header.js';
import { validateHealth } from './plugins/health.js';
import { validateHosts } from './plugins/hosts.js';
import { validateK8sExternal } from './plugins/k8s-external.js';
import { validateKubernetes } from './plugins/kubernetes.js';
import { validateLoadbalance } from './plugins/loadbalance.js';
import { validateLocal } from './plugins/local.js';
import { validateLog } from './plugins/log.js';
import { validateLoop } from './plugins/loop.js';
import { validateMetadata } from './plugins/metadata.js';
import { validateAny, validateNoArgs } from './plugins/no-args.js';
import { validatePrometheus } from './plugins/prometheus.js';
import { validateReady } from './plugins/ready.js';
import { validateReload } from './plugins/reload.js';
import { validateRewrite } from './plugins/rewrite.js';
import { validateTemplate } from './plugins/template.js';
import { validateView } from './plugins/view.js';

/** Directive name → validator. */
export const pluginValidators: Readonly<Record<string, PluginValidator>> = {
  acl: validateAcl,
  any: validateAny,
  autopath: validateAutopath,
  bind: validateBind,
  bufsize: validateBufsize,
  cache: validateCache,
  errors: validateErrors,
  file: validateFile,
  forward: validateForward,
  header: validateHeader,
  health: validateHealth,
  hosts: validateHosts,
  k8s_external: validateK8sExternal,
  kubernetes: validateKubernetes,
  loadbalance: validateLoadbalance,
  local: validateLocal,
  log: validateLog,
  loop: validateLoop,
  metadata: validateMetadata,
  minimal: validateNoArgs,
  prometheus: validatePrometheus,
  ready: validateReady,
  reload: validateReload,
  rewrite: validateRewrite,
  template: validateTemplate,
  view: validateView,
  whoami: validateNoArgs,
};

/** True when the directive's arguments are validated (not grammar only). */
export function isModelled(directive: string): boolean {
  return Object.hasOwn(pluginValidators, directive);
}

/**
 * Plugins not otherwise modelled whose setup() refuses a second occurrence in a block (plugin.ErrOnce,
 * or geoip's own message): that rule alone is checked for them.
 */
export const onceOnlyPlugins: Readonly<Record<string, string>> = {
  dnssec: 'this plugin can only be used once per Server Block',
  grpc: 'this plugin can only be used once per Server Block',
  nsid: 'this plugin can only be used once per Server Block',
  pprof: 'this plugin can only be used once per Server Block',
  shed: 'this plugin can only be used once per Server Block',
  tsig: 'this plugin can only be used once per Server Block',
  geoip: 'configuring multiple databases is not supported',
};
