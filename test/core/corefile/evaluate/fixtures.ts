/** Corefiles of the five seeds and the distribution defaults (docs/coredns-semantics.md, "Default Corefiles"), plus a small cluster. */
import type { ClusterState } from '../../../../src/core/model/k8s.js';
import type { CorefileModel, FileSource } from '../../../../src/core/corefile/model.js';
import { parseCorefile } from '../../../../src/core/corefile/parse.js';

/** Parses a Corefile for tests; fails loudly when the parser reports an error. */
export function model(text: string, files?: FileSource, env?: Record<string, string>, allowErrors: string[] = []): CorefileModel {
  const r = parseCorefile(text, { file: '/etc/coredns/Corefile', ...(files ? { files } : {}), ...(env ? { env } : {}) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error' && !allowErrors.some((a) => d.message.includes(a)));
  if (errors.length) throw new Error(`test Corefile does not parse: ${errors.map((e) => e.message).join('; ')}`);
  return r.model;
}

/** A FileSource over an in-memory map (named as the fake it is). */
export function fakeFiles(files: Record<string, string>): FileSource {
  return {
    read: (p) => files[p],
    glob: (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      return Object.keys(files).filter((f) => re.test(f)).sort();
    },
  };
}

// A literal copy of kubeadm's Corefile on purpose: the engine is tested against the text kubeadm
// ships, not against the lab's default (src/lab/scenario/default-corefile.ts), so neither can drift
// into agreeing with the other by accident.
export const kubeadm = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** Newest kubeadm: cache 30 with success/denial caching disabled for cluster.local. */
export const kubeadmNewest = kubeadm.replace('    cache 30\n', '    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n');

export const eks = `.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

export const aks = `.:53 {
    errors
    ready
    health {
      lameduck 5s
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import custom/*.override
    template ANY ANY internal.cloudapp.net {
      match "^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$"
      rcode NXDOMAIN
      fallthrough
    }
    template ANY ANY reddog.microsoft.com {
      rcode NXDOMAIN
    }
}
import custom/*.server
`;

export const k3s = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`;

/** Seed 000 fix 2.1: the hosts block written AFTER forward. */
export const seed000HostsFix = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    hosts {
        10.118.163.242 s3.cloudb.example
        10.118.163.243 s3.cloudb.example
        fallthrough  # 允许未匹配的域名继续向下解析
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** Seed 000 fix 2.2 (method 2): a zone2 view block before the default block. The seed text swapped the two
 * address lists (zone2 must get its own 10.118.119.x); the fixture uses the coherent assignment. */
export const seed000ViewFix = `. {
    view zone2 {
        expr incidr(client_ip(), '10.245.5.0/24')
    }
    hosts {
        10.118.119.244 s3.cloudb.example
        10.118.119.245 s3.cloudb.example

        fallthrough
    }

    # Include the essential plugins from your original configuration.
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}

.:53 {
    errors
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    hosts {
        10.118.163.242 s3.cloudb.example
        10.118.163.243 s3.cloudb.example

        fallthrough  # 允许未匹配的域名继续向下解析
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** Seed 001 (AWS, ec2.internal search domain): the EKS default. */
export const seed001 = eks;

/** Seed 002: forward to the node resolv.conf with prefer_udp; the node lists internal and public resolvers. */
export const seed002 = `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf {
      prefer_udp
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
export const seed002NodeResolvers = ['10.53.136.11', '10.53.136.12', '223.5.5.5', '223.6.6.6'];

/** Seed 003: directives written alphabetically (plugin.cfg order still applies), pods verified, autopath. */
export const seed003 = `.:53 {
log
autopath @kubernetes
cache 30
errors
forward . /etc/resolv.conf
health
kubernetes cluster.local in-addr.arpa ip6.arpa {
pods verified
fallthrough in-addr.arpa ip6.arpa
}
loadbalance
loop
prometheus :9153
ready
reload
}
`;

/** Seed 004 as found: the cluster domain is the company's public domain (`upstream` is a startup error since 1.7.0; explain still evaluates). */
export const seed004 = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready

    kubernetes oneprocloud.com in-addr.arpa ip6.arpa {  # 在Corefile配置文件我们发现dns的域配置的oneprocloud.com

      pods verified
      upstream
      fallthrough in-addr.arpa ip6.arpa
      ttl 30
    }
    autopath @kubernetes
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`;

export const cluster: ClusterState = {
  namespaces: ['default', 'kube-system', 'mos', 'shop'],
  services: [
    { namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
    { namespace: 'default', name: 'nginx', type: 'ClusterIP', clusterIP: '10.96.12.7', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    { namespace: 'mos', name: 'mos-model', type: 'ClusterIP', clusterIP: '10.96.40.1', clusterIPs: ['10.96.40.1', 'fd00::40:1'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
    { namespace: 'shop', name: 'db', type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    { namespace: 'shop', name: 'payments', type: 'ExternalName', externalName: 'api.payments.example', ports: [] },
    { namespace: 'shop', name: 'inner', type: 'ExternalName', externalName: 'nginx.default.svc.cluster.local', ports: [] },
  ],
  endpoints: [
    { namespace: 'shop', service: 'db', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }], addresses: [
      { ip: '10.245.3.10', ready: true, hostname: 'db-0' },
      { ip: '10.245.4.11', ready: true },
      { ip: '10.245.4.12', ready: false },
    ] },
  ],
  pods: [
    { namespace: 'default', name: 'busybox', ip: '10.245.1.20' },
    { namespace: 'shop', name: 'db-0', ip: '10.245.3.10' },
  ],
};
