/**
 * The program a probe pod runs (a short-lived pod on the diagnosed pod's node, with its DNS settings). Every probe runs with
 * short timeouts; probes that do not depend on each other run in parallel; a probe that throws
 * becomes a probe-error item instead of failing the run.
 *
 * - twin: the name through the stub resolver with the pod's own resolv.conf and hosts; the DNS
 *   Service IP and every CoreDNS endpoint directly over UDP and TCP; TCP connects to the answers;
 *   a bounded burst against the Service IP.
 * - node-view: the node's resolv.conf as evidence; each of its nameservers and each given upstream
 *   asked for the name individually (role upstream, seen from this node); TCP connects to the answers.
 */
import type { Evidence, EvidenceOrigin } from '../../core/model/evidence.js';
import type { NetworkPosition } from '../../core/network-position.js';
import { candidateNames } from '../../core/resolver/candidate-names.js';
import { parseHostsFile } from '../../core/resolver/hosts-file.js';
import { parseResolvConf, usableNameservers } from '../../core/resolver/resolv-conf.js';
import { runBurst, toBurstEvidence } from '../dns/burst.js';
import { queryDns, toDnsQueryEvidence } from '../dns/dns-client.js';
import { lookup } from '../dns/stub-resolver.js';
import { tcpConnect, toTcpConnectEvidence } from '../dns/tcp-connect.js';
import { type PodProbeSpec, parsePodProbeSpec } from './spec.js';

/** The pod a probe runs in, as the probe sees it. */
export interface PodRuntime {
  network: NetworkPosition;
  podIp: string;
  /** Text of the pod's /etc/resolv.conf. */
  resolvConf: string;
  /** Text of the pod's /etc/hosts. */
  hosts: string;
  /** ms clock for evidence timestamps (default Date.now). */
  now?: () => number;
  /** Reads the kernel's conntrack statistics where the probe runs (a real pod: /proc); absent in the loopback lab. */
  conntrack?: () => Promise<import('./conntrack-stats.js').ConntrackReading>;
  /** Node the pod runs on, when known. */
  node?: string;
}

/** What the probe prints: JSON-serialisable (the burst's +Inf bucket becomes null in JSON). */
export interface PodProbeOutput {
  evidence: Evidence[];
}

/**
 * Per-try timeout of direct queries unless the spec says otherwise. CoreDNS answers from its cache
 * or a healthy upstream well within a second (a forwarded miss to a slow upstream, a few hundred
 * ms), and each query gets two tries, so 1 s per try still tells a path that drops packets (2 s of
 * silence) from a slow one, while a report never waits out libc's 5 s retries.
 */
const defaultQueryTimeoutMs = 1000;
/**
 * TCP connect timeout unless the spec says otherwise. A SYN-ACK comes back within one round trip
 * (milliseconds in a cluster, at most a few hundred across clouds); Linux resends a lost SYN only
 * after 1 s, so waiting longer than 750 ms tells nothing more about a black-holed address than
 * waiting 750 ms does, while it holds the report for every unreachable answer.
 */
const defaultConnectTimeoutMs = 750;
/** At most this many answer addresses are TCP-connected (× ports). */
const maxConnectTargets = 8;

/** Runs the probe described by `spec` (validated here too) from the pod described by `rt`. */
export async function runPodProbe(specInput: unknown, rt: PodRuntime): Promise<PodProbeOutput> {
  const spec = parsePodProbeSpec(specInput);
  const ctx = new ProbeContext(spec, rt);
  if (spec.mode === 'node-view') await nodeView(spec, rt, ctx);
  else if (spec.mode === 'conntrack') await conntrack(spec, rt, ctx);
  else await twin(spec, rt, ctx);
  return { evidence: ctx.evidence };
}

/** conntrack: the counters of the namespace this probe runs in (the node's, for a hostNetwork pod). */
async function conntrack(spec: PodProbeSpec, rt: PodRuntime, ctx: ProbeContext): Promise<void> {
  const node = spec.node ?? rt.node ?? 'unknown';
  await ctx.guard('conntrack', `conntrack statistics of ${node}`, async (at, started) => {
    if (!rt.conntrack) throw new Error('this probe cannot see a kernel conntrack table (the loopback lab has none)');
    const c = await rt.conntrack();
    ctx.add({ id: ctx.nextId(), kind: 'conntrack', from: ctx.from, at, ms: Math.round(performance.now() - started), node, insertFailed: c.insertFailed, drop: c.drop, ...(c.count !== undefined ? { count: c.count } : {}), ...(c.max !== undefined ? { max: c.max } : {}), source: c.source });
  });
}

/** Hands out ids (p1, p2, …), timestamps and the origin; turns thrown probes into probe-error items. */
class ProbeContext {
  readonly evidence: Evidence[] = [];
  readonly from: EvidenceOrigin;
  private n = 0;
  private readonly clock: () => number;

  constructor(spec: PodProbeSpec, rt: PodRuntime) {
    this.clock = rt.now ?? Date.now;
    const node = spec.origin?.node ?? spec.node ?? rt.node;
    this.from = {
      kind: 'probe-pod',
      namespace: spec.origin?.namespace ?? 'unknown',
      name: spec.origin?.name ?? 'dnswhy-probe',
      ip: rt.podIp,
      ...(node !== undefined ? { node } : {}),
      twinOf: spec.origin?.twinOf ?? '',
    };
  }

  nextId(): string {
    return `p${++this.n}`;
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  add(e: Evidence): void {
    if (this.staged) this.staged.push(e);
    else this.evidence.push(e);
  }

  private staged: Evidence[] | undefined;

  /**
   * A context whose evidence is held back until `commit` (then numbered in this one) or dropped:
   * for probes started on a guess that a later result may prove wrong.
   */
  stage(): ProbeContext & { commit(): void } {
    const child = Object.create(this) as ProbeContext;
    const held: Evidence[] = [];
    child.staged = held;
    return Object.assign(child, {
      commit: () => {
        for (const e of held) this.add({ ...e, id: this.nextId() });
      },
    });
  }

  /** Runs one probe; if it throws, records what could not be learned and why. */
  async guard(probe: string, what: string, fn: (at: string, started: number) => Promise<void>): Promise<void> {
    const at = this.now();
    const started = performance.now();
    try {
      await fn(at, started);
    } catch (err) {
      this.add({ id: this.nextId(), kind: 'probe-error', from: this.from, at, ms: Math.round(performance.now() - started), probe, what, reason: (err as Error).message });
    }
  }
}

/** The absolute name to ask servers directly: what the lookup resolved, else the name as an application most likely meant it. */
function directName(spec: PodProbeSpec, rtConf: ReturnType<typeof parseResolvConf>, resolved: string | undefined): string {
  if (resolved) return resolved;
  if (spec.name.endsWith('.') || spec.name.includes('.')) return spec.name.endsWith('.') ? spec.name : `${spec.name}.`;
  return candidateNames(spec.name, rtConf, spec.libc)[0] ?? `${spec.name}.`;
}

function connectPorts(spec: PodProbeSpec): number[] {
  const ports = [...new Set([...(spec.port !== undefined ? [spec.port] : []), ...spec.tcpPorts])];
  return ports.length > 0 ? ports : [80, 443];
}

/**
 * TCP connects to the answers (each address at most once, at most maxConnectTargets of them in all):
 * `connected` remembers which addresses earlier calls already took, so the lookup's answers can be
 * tried while the direct queries still run.
 */
async function connectAll(targets: Map<string, string>, spec: PodProbeSpec, rt: PodRuntime, ctx: ProbeContext, connected = new Set<string>()): Promise<void> {
  const ports = connectPorts(spec);
  const fresh = [...targets.entries()].filter(([ip]) => !connected.has(ip)).slice(0, Math.max(0, maxConnectTargets - connected.size));
  for (const [ip] of fresh) connected.add(ip);
  const jobs = fresh.flatMap(([ip, forName]) =>
    ports.map((port) =>
      ctx.guard(`tcp connect ${ip}:${port}`, `whether ${ip} accepts TCP on ${port}`, async (at) => {
        const r = await tcpConnect(ip, port, { network: rt.network, sourceIp: rt.podIp, timeoutMs: spec.queryTimeoutMs ?? defaultConnectTimeoutMs });
        ctx.add(toTcpConnectEvidence(r, { id: ctx.nextId(), from: ctx.from, at, forName }));
      }),
    ),
  );
  await Promise.all(jobs);
}

function isAddress(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');
}

async function twin(spec: PodProbeSpec, rt: PodRuntime, ctx: ProbeContext): Promise<void> {
  const conf = parseResolvConf(rt.resolvConf);
  const scale = spec.timeoutScale ?? 0.1;
  const at0 = ctx.now();
  ctx.add({ id: ctx.nextId(), kind: 'resolv-conf', from: ctx.from, at: at0, ms: 0, text: rt.resolvConf });
  ctx.add({ id: ctx.nextId(), kind: 'hosts-file', from: ctx.from, at: at0, ms: 0, text: rt.hosts, entries: parseHostsFile(rt.hosts) });

  const servers: { ip: string; role: 'dns-service' | 'coredns-endpoint'; label?: string }[] = [
    { ip: spec.dnsServiceIp, role: 'dns-service' },
    ...spec.endpoints.map((e) => ({ ip: e.ip, role: 'coredns-endpoint' as const, ...(e.pod !== undefined ? { label: e.pod } : {}) })),
  ];
  /**
   * The DNS Service and every endpoint asked for `qname` over UDP and TCP, into `sink`; answers go to
   * `found`. A server in `silent` gets one try instead of two: the lookup already sent it several
   * queries and none was answered, so a second try could only repeat that (two tries are for telling
   * a lost packet from a dead path, which those queries already did). Resolves to the CNAME target
   * the DNS Service answered without an address, if it did.
   */
  const askServers = async (qname: string, sink: ProbeContext, found: Map<string, string>, silent: ReadonlySet<string> = new Set()): Promise<string | undefined> => {
    let bareCname: string | undefined;
    await Promise.all(
      servers.flatMap((s) =>
        (['udp', 'tcp'] as const).map((transport) =>
          sink.guard(`query ${s.ip} over ${transport}`, `what ${s.label ?? s.ip} answers for ${qname} over ${transport}`, async (at) => {
            const r = await queryDns({ ip: s.ip }, qname, 'A', { network: rt.network, sourceIp: rt.podIp, transport, timeoutMs: spec.queryTimeoutMs ?? defaultQueryTimeoutMs, tries: silent.has(s.ip) ? 1 : 2 });
            sink.add(toDnsQueryEvidence(r, { id: sink.nextId(), from: sink.from, at, role: s.role, ...(s.label !== undefined ? { label: s.label } : {}) }));
            for (const a of r.answers) if (a.type === 'A' && !found.has(a.data)) found.set(a.data, qname.replace(/\.$/, ''));
            if (s.role === 'dns-service' && transport === 'udp') bareCname = cnameWithoutAddress(r.rcode, r.answers);
          }),
        ),
      ),
    );
    return bareCname;
  };

  // The direct queries ask for the name the lookup resolves (through the search list), so that
  // "api.prod" is asked as api.prod.svc.cluster.local. and not as a name that never existed. When
  // the name the lookup most likely ends on (the name as written when it has a dot, else its first
  // search candidate) is inside the cluster domain, they start at once on that guess and are kept
  // only if the lookup agrees (otherwise they are asked again for the name it resolved), so a dead
  // endpoint's two tries overlap the lookup. CoreDNS answers cluster names from memory, so asking
  // early changes nothing the lookup measures; a forwarded name is not asked early, since the
  // answer cached for it would make the lookup's own query for it look fast.
  const guess = directName(spec, conf, undefined);
  const domain = clusterDomainOf(conf);
  const guessed = domain && guess.toLowerCase().endsWith(`.${domain}.`) ? ctx.stage() : undefined;
  const guessedAnswers = new Map<string, string>();
  const guessedDirect = guessed ? askServers(guess, guessed, guessedAnswers) : undefined;
  const selfAnswers = Promise.all(selfAnswered(spec, rt, ctx));

  let resolved: string | undefined;
  let ended: string | undefined;
  let lookupCname: string | undefined;
  const targets = new Map<string, string>();
  const silent = new Set<string>();
  await ctx.guard('stub resolver', `how ${spec.libc} resolves ${spec.name} with the pod's resolv.conf`, async (at, started) => {
    const r = await lookup(spec.name, conf, { libc: spec.libc, network: rt.network, sourceIp: rt.podIp, timeoutScale: scale, hosts: rt.hosts });
    ctx.add({ id: ctx.nextId(), from: ctx.from, at, ms: Math.round(performance.now() - started), ...r });
    if (r.result.ok && r.result.answeredBy !== 'hosts-file') resolved = r.result.finalName;
    ended = endingCandidate(r);
    lookupCname = r.result.ok ? undefined : lookupCnameWithoutAddress(r.queries);
    for (const a of r.result.addresses) if (isAddress(a)) targets.set(a, spec.name);
    for (const server of silentServers(r.queries)) silent.add(server);
  });
  const qname = directName(spec, conf, resolved);
  const direct =
    guessed && guessedDirect && qname.toLowerCase() === guess.toLowerCase()
      ? guessedDirect.then((bare) => {
          guessed.commit();
          for (const [ip, forName] of guessedAnswers) if (!targets.has(ip)) targets.set(ip, forName);
          return bare;
        })
      : askServers(qname, ctx, targets, silent);
  // A CNAME the cluster DNS answered without an address (an ExternalName Service whose target has
  // none): what the DNS Service says for the target itself tells a missing name from a failing one.
  const cnameTarget = direct.then((bare) => {
    const target = bare ?? lookupCname;
    return target ? askCnameTarget(spec, target, rt, ctx) : undefined;
  });

  // Once the lookup has its answer, everything else is independent of each other: the direct
  // queries, the burst and the connects to the lookup's answers run together; answers only the
  // direct queries found are connected to when those are in.
  const connected = new Set<string>();
  const lookupConnects = connectAll(targets, spec, rt, ctx, connected);
  const burst = spec.burst ?? { count: 200, concurrency: 20 };
  const burstProbe =
    burst.count > 0
      ? ctx.guard('burst', `latency of ${burst.count} queries to the DNS Service`, async (at) => {
          const r = await runBurst({ ip: spec.dnsServiceIp }, qname, 'A', {
            network: rt.network,
            sourceIp: rt.podIp,
            count: burst.count,
            concurrency: burst.concurrency,
            tryTimeoutMs: conf.options.timeout * 1000,
            timeoutScale: scale,
            tries: conf.options.attempts,
            stopWhenDead: true,
          });
          ctx.add(toBurstEvidence(r, { id: ctx.nextId(), from: ctx.from, at, role: 'dns-service' }));
        })
      : Promise.resolve();
  const directThenConnect = Promise.all([direct, cnameTarget, selfAnswers, ...suffixProbes(spec, conf, ended, rt, ctx)]).then(() => connectAll(targets, spec, rt, ctx, connected));
  await Promise.all([lookupConnects, directThenConnect, burstProbe]);
}

/** The last CNAME target of a NOERROR reply that carries CNAMEs and no address record; undefined otherwise. */
function cnameWithoutAddress(rcode: string | undefined, answers: readonly { type: string; data: string }[]): string | undefined {
  if (rcode !== 'NOERROR' || answers.some((a) => a.type === 'A' || a.type === 'AAAA')) return undefined;
  return answers.filter((a) => a.type === 'CNAME').at(-1)?.data;
}

/** The same for a failed lookup's queries, whose answers are data strings: a NOERROR with names and no address. */
function lookupCnameWithoutAddress(queries: readonly { outcome: string; rcode?: string; answers: string[] }[]): string | undefined {
  const bare = queries.filter((q) => q.outcome === 'answer' && q.rcode === 'NOERROR' && q.answers.length > 0 && !q.answers.some(isAddress));
  return bare.at(-1)?.answers.at(-1);
}

function askCnameTarget(spec: PodProbeSpec, target: string, rt: PodRuntime, ctx: ProbeContext): Promise<void> {
  const name = absoluteName(target);
  return ctx.guard(`query ${spec.dnsServiceIp} for ${name}`, `what the DNS Service answers for the CNAME target ${name}`, async (at) => {
    const r = await queryDns({ ip: spec.dnsServiceIp }, name, 'A', { network: rt.network, sourceIp: rt.podIp, timeoutMs: spec.queryTimeoutMs ?? defaultQueryTimeoutMs, tries: 2 });
    ctx.add(toDnsQueryEvidence(r, { id: ctx.nextId(), from: ctx.from, at, role: 'dns-service', purpose: 'cname-target' }));
  });
}

/** Servers the lookup sent at least two queries to and got no reply from, to any of them. */
function silentServers(queries: readonly { server: string; outcome: string }[]): Set<string> {
  const sent = new Map<string, { count: number; answered: boolean }>();
  for (const q of queries) {
    const s = sent.get(q.server) ?? { count: 0, answered: false };
    s.count++;
    if (q.outcome !== 'timeout') s.answered = true;
    sent.set(q.server, s);
  }
  return new Set([...sent].filter(([, s]) => s.count >= 2 && !s.answered).map(([server]) => server));
}

/** The cluster domain, from the search list's "svc.<domain>" entry (kubelet writes it so); undefined without one. */
function clusterDomainOf(conf: ReturnType<typeof parseResolvConf>): string | undefined {
  const svc = conf.search.map((d) => d.toLowerCase().replace(/\.$/, '')).find((d) => d.startsWith('svc.'));
  return svc?.slice('svc.'.length);
}

/**
 * The search candidate a lookup ended on: the name that answered, or the one whose reply ended it
 * (musl stops on an empty NOERROR and on SERVFAIL). Undefined when nothing but the name itself is left.
 */
function endingCandidate(r: Awaited<ReturnType<typeof lookup>>): string | undefined {
  if (r.result.answeredBy === 'hosts-file') return undefined;
  if (r.result.ok) return r.result.finalName;
  const last = r.queries.at(-1);
  const stopping = (r.result.error === 'NODATA' && last?.rcode === 'NOERROR') || (r.result.error === 'SERVFAIL' && last?.rcode === 'SERVFAIL');
  return stopping && last?.outcome === 'answer' ? last.qname : undefined;
}

const absoluteName = (n: string) => (n.endsWith('.') ? n : `${n}.`);

/**
 * When the lookup ended on a search candidate (name + "." + search domain) and the name has a dot,
 * the name might have been meant as written: ask the DNS Service for it as written, and ask it for a
 * random name under that search domain (a domain that answers any name has a wildcard record).
 */
function suffixProbes(spec: PodProbeSpec, conf: ReturnType<typeof parseResolvConf>, ended: string | undefined, rt: PodRuntime, ctx: ProbeContext): Promise<void>[] {
  const written = absoluteName(spec.name).toLowerCase();
  const end = ended ? absoluteName(ended).toLowerCase() : undefined;
  if (!end || end === written || spec.name.endsWith('.') || !spec.name.includes('.')) return [];
  const domain = conf.search.map((d) => absoluteName(d).toLowerCase()).find((d) => end === `${written}${d}`);
  if (!domain) return [];
  const random = `dnswhy-absent-${Math.random().toString(36).slice(2, 10)}.${domain}`;
  const ask = (name: string, purpose: 'as-written' | 'wildcard-probe') =>
    ctx.guard(`query ${spec.dnsServiceIp} for ${name}`, `what the DNS Service answers for ${name} (${purpose === 'as-written' ? 'the name as written' : `whether ${domain} answers any name`})`, async (at) => {
      const r = await queryDns({ ip: spec.dnsServiceIp }, name, 'A', { network: rt.network, sourceIp: rt.podIp, timeoutMs: spec.queryTimeoutMs ?? defaultQueryTimeoutMs, tries: 2 });
      ctx.add(toDnsQueryEvidence(r, { id: ctx.nextId(), from: ctx.from, at, role: 'dns-service', purpose }));
    });
  return [ask(written, 'as-written'), ask(random, 'wildcard-probe')];
}

/** Every CoreDNS endpoint asked for a name it answers itself (UDP), apart from the diagnosed name. */
function selfAnswered(spec: PodProbeSpec, rt: PodRuntime, ctx: ProbeContext): Promise<void>[] {
  if (!spec.reachName) return [];
  const name = absoluteName(spec.reachName);
  return spec.endpoints.map((e) =>
    ctx.guard(`query ${e.ip} for ${name}`, `whether ${e.pod ?? e.ip} answers a name it serves itself (${name})`, async (at) => {
      const r = await queryDns({ ip: e.ip }, name, 'A', { network: rt.network, sourceIp: rt.podIp, transport: 'udp', timeoutMs: spec.queryTimeoutMs ?? defaultQueryTimeoutMs, tries: 2 });
      ctx.add(toDnsQueryEvidence(r, { id: ctx.nextId(), from: ctx.from, at, role: 'coredns-endpoint', purpose: 'self-answered', ...(e.pod !== undefined ? { label: e.pod } : {}) }));
    }),
  );
}

async function nodeView(spec: PodProbeSpec, rt: PodRuntime, ctx: ProbeContext): Promise<void> {
  const conf = parseResolvConf(rt.resolvConf);
  const node = spec.node ?? spec.origin?.node ?? rt.node ?? 'unknown';
  const nameservers = usableNameservers(conf);
  ctx.add({
    id: ctx.nextId(),
    kind: 'node-resolv-conf',
    from: ctx.from,
    at: ctx.now(),
    ms: 0,
    node,
    ...(spec.zone !== undefined ? { zone: spec.zone } : {}),
    text: rt.resolvConf,
    nameservers,
  });
  // CoreDNS forwards the fully qualified name; ask each resolver for it as-is.
  const qname = spec.name.endsWith('.') ? spec.name : `${spec.name}.`;
  const resolvers = [
    ...nameservers.map((ip) => ({ ip, port: 53, label: `${node} resolv.conf` })),
    ...spec.upstreams.map((u) => ({ ip: u.ip, port: u.port ?? 53, label: 'forward' })),
  ].filter((r, i, all) => all.findIndex((x) => x.ip === r.ip && x.port === r.port) === i);
  const targets = new Map<string, string>();
  await Promise.all(
    resolvers.map((res) =>
      ctx.guard(`query upstream ${res.ip}:${res.port}`, `what ${res.ip} answers for ${qname} as seen from ${node}`, async (at) => {
        const r = await queryDns({ ip: res.ip, port: res.port }, qname, 'A', { network: rt.network, sourceIp: rt.podIp, timeoutMs: spec.queryTimeoutMs ?? defaultQueryTimeoutMs, tries: 2 });
        ctx.add(toDnsQueryEvidence(r, { id: ctx.nextId(), from: ctx.from, at, role: 'upstream', label: res.label, seenFromNodes: [node] }));
        for (const a of r.answers) if (a.type === 'A' && !targets.has(a.data)) targets.set(a.data, qname.replace(/\.$/, ''));
      }),
    ),
  );
  await connectAll(targets, spec, rt, ctx);
}
