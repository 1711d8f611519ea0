/** k8s_external: `k8s_external [ZONES...] { apex | ttl | headless | fallthrough }` (plugin/k8s_external/setup.go). */
import type { PluginValidator } from '../context.js';
import { ttlOption } from './plugin-arguments.js';

export const validateK8sExternal: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    c.remainingArgs();
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'ttl': {
        ttlOption(c);
          break;
        }
        case 'apex':
          if (c.remainingArgs().length === 0) throw c.argErr();
          break;
        case 'headless':
          break;
        case 'fallthrough':
          c.remainingArgs();
          break;
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
  }
  // Checked by CoreDNS at startup (OnStartup), so the process fails to start without it.
  if (!ctx.hasDirective('kubernetes')) {
    c.cursor = 0;
    throw c.err('kubernetes plugin not loaded');
  }
};
