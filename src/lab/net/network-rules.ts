/**
 * The scenario's `network` rules (docs/lab-scenario.md, "network"): checked in order, the first rule
 * that matches a packet decides (drop, loss with a rate, delay, reject); without a match the
 * packet is delivered. A rule sees the packet as the sender addressed it: a Service IP before
 * kube-proxy's translation, a pod after it (see `decideTranslated`).
 */
import { compileSelector, type IpMatcher } from './selector.js';
import { rngStream, type Rng } from './seeded-rng.js';
import type { ScenarioRule } from '../scenario/schema.js';
import type { Topology } from './topology.js';
import { DnswhyError } from '../../core/errors.js';
import type { NetworkPolicyEnforcer, PolicyDenial } from './network-policies.js';

/** One rule as written in a scenario; `proto` may be left out (any). `rate` is loss's probability 0..1, `ms` what delay adds. */
export type NetworkRuleSpec = Omit<ScenarioRule, 'proto'> & Partial<Pick<ScenarioRule, 'proto'>>;

/** A packet (or a connection attempt) in cluster addresses. */
export interface PacketInfo {
  /** The source as the receiver sees it (after SNAT): what rules match. */
  from: string;
  to: string;
  proto: 'udp' | 'tcp';
  port: number;
  /** The sender's own address before SNAT, when it differs (NetworkPolicies judge the sending pod). */
  origin?: string;
}

/** What happens to a packet. `rule` is the index of the deciding rule, when one matched. */
export type Verdict =
  | { action: 'deliver'; delayMs: number; rule?: number }
  | { action: 'drop'; rule: number; lost?: boolean; policy?: PolicyDenial }
  | { action: 'reject'; rule: number };

interface CompiledRule {
  spec: NetworkRuleSpec;
  from: IpMatcher | null;
  to: IpMatcher | null;
  rng: Rng;
}

/** A rule that cannot be used, with its index (for `network[i]` in messages). */
export class NetworkRuleError extends DnswhyError {
  override readonly code = 'lab-network-rule-invalid';
  override readonly permanent = true;
  constructor(readonly index: number, reason: string) {
    super(`network[${index}]: ${reason}`);
  }
}

export class NetworkRules {
  private readonly rules: CompiledRule[];

  /**
   * @param specs - the scenario's rules, in order.
   * @param topo - who is who, for node/zone/pod/service selectors.
   * @param seed - scenario seed; each loss rule draws from its own stream.
   */
  constructor(
    specs: readonly NetworkRuleSpec[],
    topo: Topology,
    seed: number,
    /** The cluster's NetworkPolicies, judged after the rules let a packet through (a dropped packet stays dropped). */
    private readonly policies?: NetworkPolicyEnforcer,
  ) {
    this.rules = specs.map((spec, i) => {
      const wrap = <T>(f: () => T): T => {
        try {
          return f();
        } catch (err) {
          throw new NetworkRuleError(i, (err as Error).message);
        }
      };
      if (spec.action === 'loss' && !(typeof spec.rate === 'number' && spec.rate >= 0 && spec.rate <= 1)) {
        throw new NetworkRuleError(i, 'action loss needs rate between 0 and 1');
      }
      if (spec.action === 'delay' && !(typeof spec.ms === 'number' && spec.ms >= 0)) {
        throw new NetworkRuleError(i, 'action delay needs ms >= 0');
      }
      return {
        spec,
        from: spec.from === undefined ? null : wrap(() => compileSelector(spec.from!, topo)),
        to: spec.to === undefined ? null : wrap(() => compileSelector(spec.to!, topo)),
        rng: rngStream(seed, `network[${i}]`),
      };
    });
  }

  /** Index of the first rule matching the packet, or -1. Draws no random numbers. */
  firstMatch(p: PacketInfo): number {
    return this.rules.findIndex((r) => {
      const proto = r.spec.proto ?? 'any';
      if (proto !== 'any' && proto !== p.proto) return false;
      if (r.spec.port !== undefined && r.spec.port !== p.port) return false;
      if (r.from && !r.from(p.from)) return false;
      if (r.to && !r.to(p.to)) return false;
      return true;
    });
  }

  /** The deciding rule's spec, or undefined. */
  rule(index: number): NetworkRuleSpec | undefined {
    return this.rules[index]?.spec;
  }

  /** Decides one packet (loss draws from the rule's seeded stream), then the NetworkPolicies. */
  decide(p: PacketInfo): Verdict {
    return this.withPolicies(this.decideByRules(p), p);
  }

  private decideByRules(p: PacketInfo): Verdict {
    const i = this.firstMatch(p);
    if (i < 0) return { action: 'deliver', delayMs: 0 };
    const r = this.rules[i]!;
    switch (r.spec.action) {
      case 'drop':
        return { action: 'drop', rule: i };
      case 'reject':
        return { action: 'reject', rule: i };
      case 'delay':
        return { action: 'deliver', delayMs: r.spec.ms ?? 0, rule: i };
      case 'loss':
        return r.rng() < (r.spec.rate ?? 0) ? { action: 'drop', rule: i, lost: true } : { action: 'deliver', delayMs: 0, rule: i };
    }
  }

  /** A delivered packet that the NetworkPolicies deny is dropped (a CNI drops, it does not reject); rule -1. */
  private withPolicies(v: Verdict, judged: PacketInfo): Verdict {
    if (v.action !== 'deliver' || !this.policies) return v;
    const denial = this.policies.judge({ from: judged.origin ?? judged.from, to: judged.to, proto: judged.proto, port: judged.port });
    return denial ? { action: 'drop', rule: -1, policy: denial } : v;
  }

  /**
   * What happens to a connection attempt before any listener sees it (the dial guards): `reject`,
   * `drop` (a rule, or a NetworkPolicy), or undefined (it reaches the listener, which applies loss
   * and delay). `judged` is the packet the policies see (after kube-proxy's translation), by default `p`;
   * null when the policies are judged later (a Service IP, whose endpoint is chosen by its own handler).
   */
  gate(p: PacketInfo, judged: PacketInfo | null = p): 'reject' | 'drop' | undefined {
    const i = this.firstMatch(p);
    const action = i < 0 ? undefined : this.rules[i]!.spec.action;
    if (action === 'reject' || action === 'drop') return action;
    if (judged && this.policies?.judge({ from: judged.origin ?? judged.from, to: judged.to, proto: judged.proto, port: judged.port })) return 'drop';
    return undefined;
  }

  /**
   * Decides a packet sent to a Service IP and translated to `backend` (kube-proxy DNAT): rules
   * are tried against the packet as addressed (to the Service IP) first; if none matches, against
   * the translated packet (to the pod), so `to: service:...` and `to: node:...` rules both work.
   * NetworkPolicies judge the translated packet, as the CNI sees it.
   */
  decideTranslated(p: PacketInfo, backend: { ip: string; port: number }): Verdict {
    const translated = { ...p, to: backend.ip, port: backend.port };
    const byRules = this.firstMatch(p) >= 0 ? this.decideByRules(p) : this.decideByRules(translated);
    return this.withPolicies(byRules, translated);
  }
}
