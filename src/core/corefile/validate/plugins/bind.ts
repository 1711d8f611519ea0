/** bind: `bind ADDRESS|IFACE... { except ADDRESS|IFACE... }` (plugin/bind/setup.go). */
import type { PluginValidator } from '../context.js';
import { parseIP } from '../go.js';

/**
 * Interface names can only be checked on the CoreDNS pod; a word that is not an IP is accepted (with
 * a warning) when it has the form of a usual Linux interface name, otherwise it is an error.
 */
const ifaceName = /^(lo|any|eth\d+|en[a-z0-9]+|wl[a-z0-9]+|ib\d+|net\d+|cni\d+|docker\d+|tun[l]?\d+|tap\d+|veth[0-9a-z]+|cali[0-9a-z]+|flannel[.\d]*|cilium_[a-z_]+|kube-[a-z0-9-]+|bond\d+(\.\d+)?|br[-_]?[0-9a-z]*|vxlan[.\d]*|weave|dummy\d+|nodelocaldns|[a-z]+\d+(\.\d+)?)$/;

export const validateBind: PluginValidator = (ctx) => {
  const c = ctx.c;
  const check = (values: string[]) => {
    for (const a of values) {
      if (parseIP(a)) continue;
      if (ifaceName.test(a)) {
        ctx.warn(`"${a}" is not an IP address: it must be a network interface of the CoreDNS pod`);
        continue;
      }
      throw c.err(`not a valid IP address or interface name: "${a}"`);
    }
  };
  while (c.next()) {
    const addrs = c.remainingArgs();
    if (addrs.length === 0) throw c.err('at least one address or interface name is expected');
    while (c.nextBlock()) {
      if (c.val() !== 'except') throw c.err(`invalid option "${c.val()}"`);
      const except = c.remainingArgs();
      if (except.length === 0) throw c.err('at least one address or interface must be given to except subdirective');
      check(except);
    }
    check(addrs);
  }
};
