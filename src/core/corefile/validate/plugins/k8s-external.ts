/** k8s_external: `k8s_external [ZONES...] { apex | ttl | headless | fallthrough }` (plugin/k8s_external/setup.go). */
import type { PluginValidator } from '../context.js';
import { atoi } from '../go.js';

export const validateK8sExternal: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    c.remainingArgs();
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'ttl': {
          const a = c.remainingArgs();
          if (a.length === 0) throw c.argErr();
          const t = atoi(a[0]);
          if (t === undefined) throw c.err(`strconv.Atoi: parsing ${JSON.stringify(a[0])}: invalid syntax`);
          if (t < 0 || t > 3600) throw c.err(`ttl must be in range [0, 3600]: ${t}`);
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
