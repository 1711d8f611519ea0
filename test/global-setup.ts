/**
 * Runs once when vitest reads its config (vitest.config.ts), before it picks the test files:
 * installs the Debian packages the tests use when they are missing (CI and fresh machines), so that
 * no test depends on something installed by hand.
 */
import { execFileSync, spawnSync } from 'node:child_process';

const needed: Record<string, string> = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel', // the Sentinel failover test
  unbound: 'unbound',
  dnsperf: 'dnsperf',
  kubectl: 'kubernetes-client', // Debian's kubectl package
  dig: 'bind9-dnsutils',
  '/usr/bin/time': 'time',
  // The packed-install test runs containers' commands like a kubelet: traced, in namespaces, as another uid.
  strace: 'strace',
  ip: 'iproute2',
  setpriv: 'util-linux',
  // The netns lab backend (src/lab/netns): nft for kube-proxy and the rules, conntrack statistics,
  // the pods' real tools (busybox nslookup, getent built on musl).
  nft: 'nftables',
  conntrack: 'conntrack',
  busybox: 'busybox',
  'musl-gcc': 'musl-tools',
  lsns: 'util-linux',
  // `dnswhy completion zsh|fish` is run by the real shells.
  zsh: 'zsh',
  fish: 'fish',
};

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export default function setup(): void {
  const missing = Object.entries(needed).filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    console.warn(`global-setup: could not install ${missing.join(', ')}: ${(err as Error).message}`);
  }
}
