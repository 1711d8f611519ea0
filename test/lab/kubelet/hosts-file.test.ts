import { describe, expect, it } from 'vitest';
import { nodeHostsFile, podHostname, podHostsFile } from '../../../src/lab/kubelet/hosts-file.js';

describe('kubelet /etc/hosts', () => {
  it('writes the header, localhost lines and the pod line', () => {
    expect(podHostsFile({ name: 'web-1', ips: ['10.244.1.17'] })).toBe(
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.1.17\tweb-1\n',
    );
  });

  it('appends hostAliases after a blank line and the kubelet comment, one line per alias', () => {
    const text = podHostsFile({
      name: 'web-1',
      ips: ['10.244.1.17'],
      hostAliases: [
        { ip: '10.1.2.3', hostnames: ['a.example', 'a'] },
        { ip: '10.1.2.4', hostnames: ['b.example'] },
      ],
    });
    expect(text.endsWith('10.244.1.17\tweb-1\n\n# Entries added by HostAliases.\n10.1.2.3\ta.example\ta\n10.1.2.4\tb.example\n')).toBe(true);
  });

  it('uses the FQDN when the pod has a subdomain, and spec.hostname over the name', () => {
    expect(podHostsFile({ name: 'db-0', hostname: 'db', hostDomain: 'db.data.svc.cluster.local', ips: ['10.0.0.9'] })).toContain(
      '10.0.0.9\tdb.db.data.svc.cluster.local\tdb\n',
    );
  });

  it('host network: copies the node file under its own header, then the aliases', () => {
    expect(podHostsFile({ name: 'x', ips: ['10.0.0.1'], hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['z'] }] }, nodeHostsFile('n1', '10.0.0.1'))).toBe(
      '# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n10.0.0.1\tn1\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n\n# Entries added by HostAliases.\n1.2.3.4\tz\n',
    );
  });

  it('cuts long hostnames to 63 characters without a trailing dash', () => {
    expect(podHostname({ name: `${'a'.repeat(62)}-bbbb` })).toBe('a'.repeat(62));
  });
});
