/**
 * A DNS resolver outside the cluster (a VPC resolver, a machine-room resolver, a public one),
 * serving real UDP and TCP on its mapped address. It answers from its ResolverData for the view
 * that matches the client's source address (after SNAT: pods behind their node's IP), and for
 * names outside its data does what `otherNames` says: NXDOMAIN, REFUSED, SERVFAIL, or forward to
 * another resolver, sending from its own address (so that resolver's views and the network rules
 * see this resolver as the client).
 */
import type { Answer } from 'dns-packet';
import { ExchangeError, exchangeFrom } from '../net/lab-exchange.js';
import type { LabClient, LabNetwork, LabServer } from '../net/lab-network.js';
import { compileSelectors, type IpMatcher } from '../net/selector.js';
import { clientUdpSize, encodeResponse, firstQuestion, formErrorFor, hasUnrepresentableName, responseTo, safeDecode } from './dns-wire.js';
import type { ScenarioResolver } from '../scenario/schema.js';
import { ResolverData } from './resolver-data.js';

/** One query the resolver saw (for tests and the lab's logs). */
export interface ResolverLogEntry {
  at: number;
  client: string;
  name: string;
  type: string;
  proto: 'udp' | 'tcp';
  rcode: string;
  view: number | undefined;
}

export interface UpstreamResolverOptions {
  /** The cluster IP of another resolver, by name (for `forwardTo`). */
  resolverIp: (name: string) => string | undefined;
  /** How long a forwarded query may take. Default 2000 ms. */
  forwardTimeoutMs?: number;
}

/**
 * The SOA a resolver returns for names under no zone of its own: the root's, with a short TTL, as
 * a recursive resolver relays for a name that does not exist anywhere (so caches keep it briefly).
 */
const rootSoa: Answer = {
  name: '',
  type: 'SOA',
  class: 'IN',
  ttl: 60,
  data: { mname: 'a.root-servers.net', rname: 'nstld.verisign-grs.com', serial: 1, refresh: 1800, retry: 900, expire: 604800, minimum: 60 },
} as Answer;

const maxLog = 10000;

export class UpstreamResolver {
  /** Queries seen, oldest first (bounded). */
  readonly log: ResolverLogEntry[] = [];
  private readonly data: ResolverData;
  private readonly viewMatchers: IpMatcher[];
  private readonly servers: LabServer[] = [];

  constructor(
    readonly spec: ScenarioResolver,
    private readonly labNet: LabNetwork,
    private readonly opts: UpstreamResolverOptions,
  ) {
    if (spec.otherNames === 'forward' && !spec.forwardTo) {
      throw new Error(`resolver ${spec.name}: otherNames forward needs forwardTo`);
    }
    this.data = new ResolverData(spec);
    this.viewMatchers = spec.views.map((v) => compileSelectors(v.match, labNet.topo));
  }

  /** Starts UDP and TCP servers on the resolver's address, port 53. */
  async start(): Promise<this> {
    const handler = (msg: Buffer, client: LabClient, proto: 'udp' | 'tcp'): Promise<Buffer | null> => this.answer(msg, client, proto);
    this.servers.push(await this.labNet.serveDnsUdp(this.spec.ip, 53, handler));
    this.servers.push(await this.labNet.serveDnsTcp(this.spec.ip, 53, handler));
    return this;
  }

  /** The index of the first view matching a client, if any. */
  viewFor(clientIp: string): number | undefined {
    const i = this.viewMatchers.findIndex((m) => m(clientIp));
    return i < 0 ? undefined : i;
  }

  /** Answers one query message (null: nothing to send, e.g. a malformed packet). */
  async answer(msg: Buffer, client: LabClient, proto: 'udp' | 'tcp'): Promise<Buffer | null> {
    const q = safeDecode(msg);
    if (!q || q.type !== 'query') return null;
    if (hasUnrepresentableName(q)) return encodeResponse(formErrorFor(q), proto);
    const question = firstQuestion(q);
    if (!question) return encodeResponse(responseTo(q, { rcode: 'FORMERR' }), proto);
    const view = this.viewFor(client.ip);
    const local = this.data.lookup(question.name, question.type, view);
    let reply: Buffer;
    let rcode: string;
    if (local.kind === 'answer') {
      rcode = local.rcode;
      reply = encodeResponse(responseTo(q, local), proto, clientUdpSize(q));
    } else if (this.spec.otherNames === 'forward') {
      const forwarded = await this.forward(msg, proto);
      rcode = forwarded ? (safeDecode(forwarded) as { rcode?: string } | undefined)?.rcode ?? 'NOERROR' : 'SERVFAIL';
      reply = forwarded ?? encodeResponse(responseTo(q, { rcode: 'SERVFAIL' }), proto);
    } else {
      rcode = this.spec.otherNames.toUpperCase();
      const authorities = this.spec.otherNames === 'nxdomain' ? [rootSoa] : [];
      reply = encodeResponse(responseTo(q, { rcode, authorities }), proto, clientUdpSize(q));
    }
    if (this.log.length >= maxLog) this.log.shift();
    this.log.push({ at: Date.now(), client: client.ip, name: question.name, type: question.type, proto, rcode, view });
    return reply;
  }

  /** Relays the query to `forwardTo` from this resolver's own address; undefined when that fails. */
  private async forward(msg: Buffer, proto: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const ip = this.opts.resolverIp(this.spec.forwardTo!);
    if (!ip) return undefined;
    try {
      return await exchangeFrom(this.labNet.map, this.spec.ip, { ip, port: 53 }, msg, proto, this.opts.forwardTimeoutMs ?? 2000);
    } catch (err) {
      if (err instanceof ExchangeError) return undefined;
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }
}

