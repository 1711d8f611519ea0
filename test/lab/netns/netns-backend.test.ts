/**
 * The netns backend on the real kernel (network namespaces, nft, conntrack, glibc/busybox/dig): the
 * seed scenarios diagnose as their `expect` lists say, `kubectl exec` runs the real tools in the
 * pod's namespace, and a SIGKILLed lab leaves no namespace, nft table or process behind.
 *
 * It needs root or an unprivileged user namespace. Where neither is possible vitest leaves this file
 * out and says why (test/netns-suite.ts); with DNSWHY_NETNS_REQUIRED=1 (.ci/run sets it) it runs and
 * fails. The CI share runs two seeds; DNSWHY_NETNS_FULL=1 runs every scenario and variant.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNetnsLab } from './lab-process.js';
import { assertNetnsAvailable } from './require-netns.js';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/dnswhy.js');
const full = process.env.DNSWHY_NETNS_FULL === '1';

const ciShare = ['scenarios/001-conntrack-udp-loss-timeouts.yaml', 'scenarios/003-cross-node-dns-blocked.yaml'];
const everything = [
  ...readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`),
  ...readdirSync(join(root, 'scenarios/variants')).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/variants/${f}`),
];

function netNamespaces(): Set<string> {
  return new Set(spawnSync('lsns', ['-t', 'net', '-n', '-o', 'NS'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
}
function agentPids(): string[] {
  return spawnSync('pgrep', ['-f', 'dnswhy-lab-agent='], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}
/** Whether process `pid` is `ancestor` or below it. */
function descendsFrom(pid: string, ancestor: number): boolean {
  for (let p = Number(pid), hops = 0; p > 1 && hops < 64; hops++) {
    if (p === ancestor) return true;
    const stat = spawnSync('cat', [`/proc/${p}/stat`], { encoding: 'utf8' }).stdout;
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return false;
}
/** The network namespaces of some processes (what lsns prints as NS). */
function netNamespacesOf(pids: string[]): string[] {
  return pids.map((p) => spawnSync('readlink', [`/proc/${p}/ns/net`], { encoding: 'utf8' }).stdout.trim().replace(/^net:\[(\d+)\]$/, '$1')).filter((n) => /^\d+$/.test(n));
}
const rootRuleset = () => spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout;

describe('netns backend (real kernel)', () => {
  beforeAll(assertNetnsAvailable);

  it(`lab test --backend netns holds for ${full ? 'every scenario and variant' : 'seeds 001 and 003 (DNSWHY_NETNS_FULL=1: all)'}`, () => {
    const files = full ? everything : ciShare;
    const r = spawnSync(process.execPath, [bin, 'lab', 'test', '--backend', 'netns', ...files], { cwd: root, encoding: 'utf8', timeout: full ? 1_500_000 : 240_000 });
    expect(r.stdout + r.stderr).toMatch(/(\d+) of \1 expectations hold/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, full ? 1_600_000 : 250_000);

  it('exec runs the real getent in the pod namespace, and a SIGKILLed lab leaves no namespace, nft table or process behind', async () => {
    const netBefore = netNamespaces();
    const rulesetBefore = rootRuleset();
    const agentsBefore = agentPids();
    const { child: lab, kubeconfig } = await startNetnsLab('scenarios/healthy-cluster.yaml');
    const kubectl = (...args: string[]) => spawnSync('kubectl', args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 });
    // glibc's getent through the nft DNAT to a CoreDNS pod, and dig straight to one.
    const getent = kubectl('exec', '-n', 'shop', 'checkout-7f8d6c5b4-2kq9z', '--', 'getent', 'ahosts', 'payments');
    expect(getent.stdout).toMatch(/^10\.\d+\.\d+\.\d+\s+STREAM payments\.shop\.svc\.cluster\.local$/m);
    expect(getent.stdout).toMatch(/RAW/); // glibc lists RAW too; the loopback emulation's formatter would as well, the model does not run here
    const dig = kubectl('exec', '-n', 'shop', 'checkout-7f8d6c5b4-2kq9z', '--', 'dig', '+yaml', '@10.244.2.7', 'payments.shop.svc.cluster.local');
    expect(dig.stdout).toMatch(/socket_protocol: UDP/);
    expect(dig.stdout).toMatch(/status: NOERROR/);
    // This lab's namespaces: those of the agents it started (other processes on the machine may
    // make namespaces of their own meanwhile; they are not this lab's to clean up).
    // Other netns tests run labs at the same time: ours are the agents below this lab's process.
    const ours = agentPids().filter((p) => !agentsBefore.includes(p) && descendsFrom(p, lab.pid!));
    const ourNets = netNamespacesOf(ours).filter((n) => !netBefore.has(n));
    expect(new Set(ourNets).size).toBeGreaterThan(3);

    const wrappers = spawnSync('pgrep', ['-f', '^unshare .*scenarios/healthy-cluster.yaml'], { encoding: 'utf8' }).stdout.split('\n').filter((p) => p && descendsFrom(p, lab.pid!));
    expect(wrappers.length).toBe(1);
    lab.kill('SIGKILL');
    await new Promise((r) => lab.once('exit', r));
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      const now = netNamespaces();
      left = ourNets.filter((n) => now.has(n));
      if (left.length === 0 && ours.every((p) => !agentPids().includes(p))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toEqual([]);
    expect(agentPids().filter((p) => ours.includes(p))).toEqual([]);
    // A killed process may stay a zombie until the machine's init reaps it: gone means no command line.
    expect(wrappers.filter((p) => existsSync(`/proc/${p}/cmdline`) && readFileSync(`/proc/${p}/cmdline`, 'utf8') !== '')).toEqual([]);
    expect(rootRuleset()).toBe(rulesetBefore);
  }, 120_000);
});
