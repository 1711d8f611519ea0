/**
 * The conntrackFull node fault on the kernel (src/lab/netns/conntrack-fill.ts): the lab fills one
 * node namespace's conntrack table to the kernel's limit, the host's own table count stays where it
 * was (the kernel counts per namespace), and new flows from that node are dropped by the kernel and
 * counted in its `drop` statistic, the number the node probe reads. The fixture fills the node of the
 * second CoreDNS replica with 5% evictable placeholders. Needs root or a user namespace.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startNetnsLab } from './lab-process.js';
import { assertNetnsAvailable } from './require-netns.js';

const root = join(import.meta.dirname, '../../..');
const fixture = 'test/lab/netns/fixtures/conntrack-table-full.yaml';
const full = 'ip-10-0-36-40.ec2.internal';

const hostCount = () => Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8'));
/** Runs a command in the network namespace of a process (a lab agent). */
const inNetnsOf = (pid: string, cmd: string[]) => spawnSync('nsenter', ['-t', pid, '-n', ...cmd], { encoding: 'utf8', timeout: 60_000 });
/** The drop statistic of a namespace, summed over the CPUs (conntrack -S). */
const drops = (pid: string) => [...inNetnsOf(pid, ['conntrack', '-S']).stdout.matchAll(/\bdrop=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);

// New flows from the full node: one socket per datagram to the replica on it (nothing listens on port 9).
const sender = String.raw`
const dgram = require('node:dgram');
let left = 40, refused = 0;
const next = () => {
  if (left-- === 0) return console.log('refused ' + refused);
  const s = dgram.createSocket('udp4');
  s.send(Buffer.from('x'), 9, '10.0.36.78', (err) => { if (err) refused++; s.close(); setTimeout(next, 5); });
};
next();
`;

describe('conntrackFull on the kernel', () => {
  beforeAll(assertNetnsAvailable);

  it('fills one node to the limit without touching the host table, and the kernel drops new flows there', async () => {
    const before = hostCount();
    const started = await startNetnsLab(fixture, 90_000);
    const lab = started.child;
    try {
      const out = started.out();
      const filled = new RegExp(`# netns: conntrack table of node ${full} filled to (\\d+)/(\\d+)`).exec(out);
      expect(filled, out).not.toBeNull();
      expect(filled![1]).toBe(filled![2]);
      // Other processes on the machine make flows too; the fill is hundreds of thousands.
      expect(Math.abs(hostCount() - before)).toBeLessThan(1000);
      // The agent whose namespace has the node's IP is the node's.
      const ours = spawnSync('pgrep', ['-f', 'dnswhy-lab-agent='], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      const node = ours.find((p) => /\b10\.0\.36\.40\/32\b/.test(inNetnsOf(p, ['ip', '-4', 'addr', 'show', 'dev', 'eth0']).stdout));
      expect(node, 'no agent in the full node').toBeDefined();
      // At the limit: the placeholders stay (assured), but the node's own few real flows (the lab's
      // CoreDNS forwarding, probes) may expire or be evicted between the fill and this read.
      const count = Number(inNetnsOf(node!, ['cat', '/proc/sys/net/netfilter/nf_conntrack_count']).stdout);
      expect(count).toBeLessThanOrEqual(Number(filled![2]));
      expect(count).toBeGreaterThan(Number(filled![2]) - 64);
      const dropsBefore = drops(node!);
      const sent = inNetnsOf(node!, [process.execPath, '-e', sender]);
      const refused = Number(/refused (\d+)/.exec(sent.stdout)?.[1]);
      // At 5% evictable the kernel finds a flow to evict for about half of the new ones, and drops the rest.
      expect(refused, sent.stdout + sent.stderr).toBeGreaterThan(0);
      expect(drops(node!) - dropsBefore).toBe(refused);
    } finally {
      lab.kill('SIGINT');
      await new Promise((r) => lab.once('exit', r));
    }
  }, 150_000);
});
