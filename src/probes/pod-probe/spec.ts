/**
 * The spec a probe pod receives (`dnswhy probe --spec '<json>'`), validated with zod so a bad spec
 * fails with a message naming the field, never a crash halfway through the probes.
 */
import { z } from 'zod';
import { DnswhyError } from '../../core/errors.js';

const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address');
const ip = z.union([ipv4, z.string().regex(/^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/, 'an IPv6 address')]);
const port = z.number().int().min(1).max(65535);

/** zod schema of PodProbeSpec. */
export const podProbeSpecSchema = z
  .object({
    /**
     * twin: probe from the target's position; node-view: the node's resolvers (dnsPolicy Default);
     * conntrack: the conntrack statistics of the namespace the probe runs in (a hostNetwork pod: its node's).
     */
    mode: z.enum(['twin', 'node-view', 'conntrack']).default('twin'),
    /** The name the target pod cannot resolve, as the application writes it. */
    name: z.string().min(1).max(253),
    /** The port the application connects to (TCP-connected along with tcpPorts). */
    port: port.optional(),
    dnsServiceIp: ip,
    endpoints: z.array(z.object({ ip, pod: z.string().optional(), node: z.string().optional() }).strict()).default([]),
    /**
     * twin: a name every CoreDNS endpoint answers itself (its own Service in the cluster zone). Each
     * endpoint is asked for it too, so an endpoint that answers it but not the diagnosed name is seen to
     * be reachable, with a problem behind it (its upstreams), not in the network to it.
     */
    reachName: z.string().min(1).max(253).optional(),
    /** Ports to TCP-connect on each answer; [80, 443] when empty and no port is given. */
    tcpPorts: z.array(port).default([]),
    burst: z.object({ count: z.number().int().min(0).max(5000), concurrency: z.number().int().min(1).max(200) }).strict().optional(),
    libc: z.enum(['glibc', 'musl']).default('glibc'),
    /** node-view: resolvers to ask besides the node's own (e.g. the Corefile's explicit forward targets). */
    upstreams: z.array(z.object({ ip, port: port.optional() }).strict()).default([]),
    /** node-view: the node this probe is pinned to (for seenFromNodes and node-resolv-conf). */
    node: z.string().optional(),
    zone: z.string().optional(),
    /** Factor for libc's timeouts in the lookup and the burst (default 0.1: 5 s tries wait 500 ms). */
    timeoutScale: z.number().positive().max(1).optional(),
    /** Per-try timeout of the direct queries and TCP connects (default 1500 ms: a report never waits for libc's 5 s retries). */
    queryTimeoutMs: z.number().int().min(10).max(10000).optional(),
    /** Where this probe runs, for the evidence origins (the caller may re-stamp them). */
    origin: z.object({ namespace: z.string(), name: z.string(), node: z.string().optional(), twinOf: z.string().optional() }).strict().optional(),
  })
  .strict();

/** What a probe pod is asked to do (input form: defaults optional). */
export type PodProbeSpecInput = z.input<typeof podProbeSpecSchema>;
/** A validated spec, defaults filled in. */
export type PodProbeSpec = z.output<typeof podProbeSpecSchema>;

/** A spec that does not validate; the message names each wrong field. */
export class PodProbeSpecError extends DnswhyError {
  override readonly code = 'probe-spec-invalid';
  override readonly permanent = true;
  constructor(readonly issues: string[]) {
    super(`invalid probe spec: ${issues.join('; ')}`);
  }
}

/** Validates a spec (an object, or its JSON text). Throws PodProbeSpecError naming what is wrong. */
export function parsePodProbeSpec(input: unknown): PodProbeSpec {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new PodProbeSpecError([`not JSON: ${(err as Error).message}`]);
    }
  }
  const r = podProbeSpecSchema.safeParse(value);
  if (!r.success) {
    throw new PodProbeSpecError(r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(spec)'}: ${i.message}`));
  }
  return r.data;
}
