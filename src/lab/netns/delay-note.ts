/**
 * What the netns backend says at start-up about a scenario's `delay` rules: the kernel does not
 * delay packets here, the receiving lab server does. Network emulation (`tc qdisc ... netem`,
 * sch_netem) is the kernel's way, and kernels built without it (such as the one this backend was
 * built on) reject the qdisc; other ways were weighed and not taken (docs/netns-lab.md, "Delay").
 */
import { spawnSync } from 'node:child_process';
import type { Scenario } from '../scenario/load-scenario.js';

/** Whether this kernel has netem: tried on the loopback of a throwaway network namespace. */
export function kernelHasNetem(): boolean {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** The start-up line for the scenario's delay rules, or none when it has none (pure). */
export function delayNote(scenario: Scenario, netem: boolean): string | undefined {
  const delays = scenario.network.filter((r) => r.action === 'delay');
  if (delays.length === 0) return undefined;
  const which = delays.map((r) => `${r.from ?? 'any'} -> ${r.to ?? 'any'} ${r.ms ?? 0} ms`).join(', ');
  const why = netem ? 'the backend does not use tc netem' : 'this kernel has no sch_netem (tc qdisc add ... netem fails)';
  return `delay rules (${which}) are not applied by the kernel: ${why}, so the receiving lab server holds each packet it receives for the rule's time before it reads it; drops, rejects, loss and NetworkPolicies are the kernel's`;
}
