/**
 * kubernetes: `kubernetes [ZONES...] { options }`, once per block (plugin/kubernetes/setup.go).
 * Removed options are hard errors: `upstream`, `resyncperiod` (≥1.7.0), `transfer` (≥1.8.0).
 */
import { normalizeZoneArg } from '../../keys.js';
import { isOneOf, kubernetesPodModes } from '../../plugin-values.js';
import type { PluginContext, PluginValidator } from '../context.js';
import { atoi, parseDuration } from '../go.js';
import { labelSelectorError } from '../label-selector.js';
import { ttlOption } from './plugin-arguments.js';

/** Zones a plugin serves: its normalised arguments, or the block's keys (OriginsFromArgsOrServerBlock). */
export function originsFromArgs(ctx: PluginContext, args: string[]): string[] {
  if (args.length === 0) return ctx.block.addresses.map((a) => a.zone);
  return args.flatMap((a) => normalizeZoneArg(a));
}

/** dnsutil.IsReverse: true for in-addr.arpa / ip6.arpa names. */
export function isReverse(zone: string): boolean {
  return zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');
}

const since: Record<string, string> = {
  ignore: '1.1.3', namespace_labels: '1.5.0', multicluster: '1.12.2', startup_timeout: '1.12.3',
  apiserver_qps: '1.14.0', apiserver_burst: '1.14.0', apiserver_max_inflight: '1.14.0', zonal: '1.14.7',
};

export const validateKubernetes: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    stanza(ctx);
  }
};

function stanza(ctx: PluginContext): void {
  const c = ctx.c;
  const zones = originsFromArgs(ctx, c.remainingArgs());
  if (!zones.some((z) => !isReverse(z))) throw c.err('non-reverse zone name must be used');
  let namespaces = false;
  let nsLabels = false;
  let multicluster: string[] = [];
  let zonal = false;
  let noendpoints = false;
  while (c.nextBlock()) {
    const opt = c.val();
    if (since[opt] && !ctx.atLeast(since[opt])) throw c.err(`unknown property '${opt}'`);
    switch (opt) {
      case 'endpoint_pod_names':
        if (c.remainingArgs().length > 0) throw c.argErr();
        break;
      case 'pods': {
        const a = c.remainingArgs();
        if (a.length !== 1) throw c.argErr();
        if (!isOneOf(kubernetesPodModes, a[0])) {
          throw c.err(`wrong value for pods: ${a[0]},  must be one of: disabled, verified, insecure`);
        }
        break;
      }
      case 'namespaces':
        if (c.remainingArgs().length === 0) throw c.argErr();
        namespaces = true;
        break;
      case 'endpoint': {
        const a = c.remainingArgs();
        if (a.length === 0) throw c.argErr();
        if (a.length > 1) ctx.warn(`Multiple endpoints have been deprecated, only the first specified endpoint '${a[0]}' is used`);
        break;
      }
      case 'tls':
        if (c.remainingArgs().length !== 3) throw c.argErr();
        break;
      case 'labels':
      case 'namespace_labels': {
        const a = c.remainingArgs();
        if (a.length === 0) throw c.argErr();
        const sel = a.join(' ');
        const e = labelSelectorError(sel);
        if (e) {
          const what = opt === 'labels' ? 'label selector' : 'namespace_label selector';
          throw c.err(`unable to parse ${what} value: '${sel}': ${e}`);
        }
        if (opt === 'namespace_labels') nsLabels = true;
        break;
      }
      case 'fallthrough':
        c.remainingArgs();
        break;
      case 'ttl': {
      ttlOption(c);
        break;
      }
      case 'noendpoints':
        if (c.remainingArgs().length !== 0) throw c.argErr();
        noendpoints = true;
        break;
      case 'zonal':
        if (c.remainingArgs().length !== 0) throw c.argErr();
        zonal = true;
        break;
      case 'ignore': {
        const a = c.remainingArgs();
        if (a.length > 0 && a[0] !== 'empty_service') throw c.err(`unable to parse ignore value: '${a[0]}'`);
        break;
      }
      case 'kubeconfig': {
        const a = c.remainingArgs();
        if (a.length !== 1 && a.length !== 2) throw c.argErr();
        break;
      }
      case 'multicluster':
        multicluster = c.remainingArgs().flatMap((a) => normalizeZoneArg(a));
        break;
      case 'startup_timeout': {
        const a = c.remainingArgs();
        if (a.length === 0) throw c.argErr();
        try {
          parseDuration(a[0]);
        } catch (e) {
          throw c.err(`failed to parse startup_timeout: ${a[0]}, ${(e as Error).message}`);
        }
        break;
      }
      case 'apiserver_qps': {
        const a = c.remainingArgs();
        if (a.length !== 1) throw c.argErr();
        const q = Number(a[0]);
        if (a[0].trim() === '' || Number.isNaN(q)) throw c.err(`invalid apiserver_qps "${a[0]}": strconv.ParseFloat: parsing "${a[0]}": invalid syntax`);
        if (q < 0) throw c.err('apiserver_qps must be >= 0');
        break;
      }
      case 'apiserver_burst':
      case 'apiserver_max_inflight': {
        const a = c.remainingArgs();
        if (a.length !== 1) throw c.argErr();
        const n = atoi(a[0]);
        if (n === undefined) throw c.err(`invalid ${opt} "${a[0]}": strconv.Atoi: parsing "${a[0]}": invalid syntax`);
        if (n < 0) throw c.err(`${opt} must be >= 0`);
        break;
      }
      case 'upstream':
      case 'resyncperiod':
        if (ctx.atLeast('1.7.0')) throw c.err(`unknown property '${opt}'`);
        c.remainingArgs();
        ctx.warn(`'${opt}' is deprecated and is an error from CoreDNS 1.7.0 on`);
        break;
      case 'transfer':
        if (ctx.atLeast('1.8.0')) throw c.err(`unknown property '${opt}'`);
        c.remainingArgs();
        ctx.warn(`'transfer' moved to the transfer plugin and is an error from CoreDNS 1.8.0 on`);
        break;
      default:
        throw c.err(`unknown property '${opt}'`);
    }
  }
  if (namespaces && nsLabels) throw c.err('namespaces and namespace_labels cannot both be set');
  for (const z of multicluster) {
    if (!zones.includes(z)) throw c.err(`is not authoritative for the multicluster zone ${z} (authoritative zones: [${zones.join(' ')}])`);
  }
  if (zonal && noendpoints) throw c.err('zonal requires the endpoint cache; remove noendpoints');
}
