/**
 * What one resolver outside the cluster knows, and how it answers from it: zones with SOA
 * minimums, records (CNAMEs followed within the resolver), per-source views whose records replace
 * the global ones for the names they define, NODATA for existing names of another type, and
 * NXDOMAIN + SOA for unknown names inside a zone. Wildcard owners (`*.corp.example`) synthesise
 * answers as RFC 4592 says: only for names that do not exist, from the closest encloser's `*`
 * child, with the query name as owner. Pure: no sockets here.
 */
import type { Answer } from 'dns-packet';
import type { ScenarioRecord, ScenarioResolver } from '../scenario/schema.js';
import { normName } from './dns-wire.js';
import { DnswhyError } from '../../core/errors.js';

/** The local-data outcome of a lookup; `other` means the name is outside the resolver's data. */
export type LocalAnswer =
  | { kind: 'answer'; rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL'; aa: boolean; answers: Answer[]; authorities: Answer[] }
  | { kind: 'other' };

/** A record value the resolver cannot encode, named by record. */
export class ResolverDataError extends DnswhyError {
  override readonly code = 'lab-resolver-data-invalid';
  override readonly permanent = true;
  constructor(message: string) {
    super(message);
  }
}

function rdata(r: ScenarioRecord, value: string): unknown {
  const parts = value.trim().split(/\s+/);
  const bad = (want: string): never => {
    throw new ResolverDataError(`record ${r.name} ${r.type}: value "${value}" is not ${want}`);
  };
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return value.trim();
    case 'CNAME':
    case 'PTR':
      return normName(value.trim());
    case 'TXT':
      return value;
    case 'MX': {
      if (parts.length !== 2 || !/^\d+$/.test(parts[0]!)) bad('"PREFERENCE EXCHANGE"');
      return { preference: Number(parts[0]), exchange: normName(parts[1]!) };
    }
    case 'SRV': {
      if (parts.length !== 4 || !parts.slice(0, 3).every((p) => /^\d+$/.test(p))) bad('"PRIORITY WEIGHT PORT TARGET"');
      return { priority: Number(parts[0]), weight: Number(parts[1]), port: Number(parts[2]), target: normName(parts[3]!) };
    }
  }
}

function toAnswers(r: ScenarioRecord): Answer[] {
  const name = normName(r.name);
  return r.values.map((v) => ({ name, type: r.type, class: 'IN', ttl: r.ttl, data: rdata(r, v) }) as Answer);
}

/** A name's records, grouped by type. */
type RecordSet = Map<string, Answer[]>;

function index(records: readonly ScenarioRecord[]): Map<string, RecordSet> {
  const byName = new Map<string, RecordSet>();
  for (const r of records) {
    const name = normName(r.name);
    const set = byName.get(name) ?? new Map<string, Answer[]>();
    set.set(r.type, [...(set.get(r.type) ?? []), ...toAnswers(r)]);
    byName.set(name, set);
  }
  return byName;
}

export class ResolverData {
  private readonly global: Map<string, RecordSet>;
  private readonly views: Map<string, RecordSet>[];
  private readonly zones: { name: string; soaMinimum: number }[];

  /**
   * @param spec - zones, global records and views (their records; matching is the caller's).
   *   Throws ResolverDataError for values that cannot be encoded (e.g. an MX without preference).
   */
  constructor(spec: Pick<ScenarioResolver, 'zones' | 'records' | 'views'>) {
    this.zones = spec.zones.map((z) => ({ name: normName(z.name), soaMinimum: z.soaMinimum }));
    this.global = index(spec.records);
    this.views = spec.views.map((v) => index(v.records));
  }

  /** The zone (longest match) a name falls in. */
  zoneOf(name: string): { name: string; soaMinimum: number } | undefined {
    const n = normName(name);
    let best: { name: string; soaMinimum: number } | undefined;
    for (const z of this.zones) {
      if (z.name === '' || n === z.name || n.endsWith(`.${z.name}`)) {
        if (!best || z.name.length > best.name.length) best = z;
      }
    }
    return best;
  }

  /** The zone's SOA RR; its TTL is the SOA minimum, so caches (CoreDNS) keep the denial that long. */
  soaOf(zone: { name: string; soaMinimum: number }): Answer {
    const origin = zone.name === '' ? '' : `.${zone.name}`;
    return {
      name: zone.name,
      type: 'SOA',
      class: 'IN',
      ttl: zone.soaMinimum,
      data: {
        mname: `ns1${origin}`.replace(/^\./, ''),
        rname: `hostmaster${origin}`.replace(/^\./, ''),
        serial: 1,
        refresh: 3600,
        retry: 600,
        expire: 86400,
        minimum: zone.soaMinimum,
      },
    } as Answer;
  }

  private exactRecordsFor(name: string, view: number | undefined): RecordSet | undefined {
    if (view !== undefined) {
      const v = this.views[view]!.get(name);
      if (v) return v;
    }
    return this.global.get(name);
  }

  /**
   * The records answering `name`: its own, else (RFC 4592 §3.3.1) those of the wildcard `*.<closest
   * encloser>` rewritten to the query name. The closest encloser is the longest existing ancestor
   * (with records, or an empty non-terminal); a wildcard never answers for a name that exists, nor
   * for names below an existing name that is not its closest encloser's `*` child.
   */
  private recordsFor(name: string, view: number | undefined): RecordSet | undefined {
    const own = this.exactRecordsFor(name, view);
    if (own || this.nameExists(name, view)) return own;
    let encloser = name;
    while (encloser !== '') {
      encloser = encloser.includes('.') ? encloser.slice(encloser.indexOf('.') + 1) : '';
      if (encloser === '' || this.nameExists(encloser, view) || this.zoneOf(encloser)?.name === encloser) break;
    }
    const source = this.exactRecordsFor(encloser === '' ? '*' : `*.${encloser}`, view);
    if (!source) return undefined;
    return new Map([...source].map(([type, rrs]) => [type, rrs.map((rr) => ({ ...rr, name }) as Answer)]));
  }

  private nameExists(name: string, view: number | undefined): boolean {
    if (this.exactRecordsFor(name, view)) return true;
    // An empty non-terminal (corp.example when git.corp.example exists) exists too: NODATA, not NXDOMAIN.
    const suffix = `.${name}`;
    const below = (m: Map<string, RecordSet>): boolean => [...m.keys()].some((k) => k.endsWith(suffix));
    return below(this.global) || (view !== undefined && below(this.views[view]!));
  }

  /**
   * Answers `name`/`type` from local data, for a client in view `view` (index into the views,
   * or undefined when no view matched).
   */
  lookup(name: string, type: string, view: number | undefined): LocalAnswer {
    const answers: Answer[] = [];
    let current = normName(name);
    const seen = new Set<string>();
    for (let hops = 0; hops < 16; hops++) {
      const set = this.recordsFor(current, view);
      const zone = this.zoneOf(current);
      if (type === 'SOA' && zone && zone.name === current && !set?.has('SOA')) {
        return { kind: 'answer', rcode: 'NOERROR', aa: true, answers: [...answers, this.soaOf(zone)], authorities: [] };
      }
      if (!set) {
        if (this.nameExists(current, view)) {
          return { kind: 'answer', rcode: 'NOERROR', aa: true, answers, authorities: zone ? [this.soaOf(zone)] : [] };
        }
        if (zone) return { kind: 'answer', rcode: 'NXDOMAIN', aa: true, answers, authorities: [this.soaOf(zone)] };
        // A CNAME pointing outside our data: the chain ends here (NOERROR with what we have).
        if (answers.length > 0) return { kind: 'answer', rcode: 'NOERROR', aa: false, answers, authorities: [] };
        return { kind: 'other' };
      }
      if (type === 'ANY') {
        return { kind: 'answer', rcode: 'NOERROR', aa: true, answers: [...answers, ...[...set.values()].flat()], authorities: [] };
      }
      const direct = set.get(type);
      if (direct) return { kind: 'answer', rcode: 'NOERROR', aa: true, answers: [...answers, ...direct], authorities: [] };
      const cname = set.get('CNAME');
      if (cname && type !== 'CNAME') {
        answers.push(...cname);
        seen.add(current);
        current = (cname[0] as { data: string }).data;
        // A CNAME loop: real resolvers give up with SERVFAIL.
        if (seen.has(current)) return { kind: 'answer', rcode: 'SERVFAIL', aa: false, answers: [], authorities: [] };
        continue;
      }
      // NODATA: the name exists with other types.
      return { kind: 'answer', rcode: 'NOERROR', aa: true, answers, authorities: zone ? [this.soaOf(zone)] : [] };
    }
    return { kind: 'answer', rcode: 'NOERROR', aa: false, answers, authorities: [] };
  }
}
