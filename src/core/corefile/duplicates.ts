/**
 * Duplicate listener detection (`validateZonesAndListeningAddresses`; docs/coredns-semantics.md, "Duplicate listeners"): two
 * unfiltered configs with the same transport, zone, bind address and port are an error; a config
 * filtered by `view` may share them; bound and unbound configs of one zone+port overlap.
 */
import { addressString } from './keys.js';
import type { Diagnostic, ServerBlockNode } from './model.js';

interface Key {
  transport: string;
  zone: string;
  port: number;
  address: string;
}

const id = (k: Key) => `${k.transport}|${k.zone}|${k.port}|${k.address}`;
const show = (k: Key) => addressString({ transport: k.transport as never, zone: k.zone, port: k.port }, k.address);

/** The bind addresses of a block (`bind` arguments before `except`), or [''] when unbound. */
export function listenHosts(block: ServerBlockNode): string[] {
  const hosts: string[] = [];
  for (const d of block.directives) {
    if (d.name !== 'bind') continue;
    for (const a of d.args) {
      if (a.text === 'except') break;
      hosts.push(a.text);
    }
  }
  return hosts.length > 0 ? hosts : [''];
}

/** Errors for keys CoreDNS refuses to serve twice, in CoreDNS's wording. */
export function duplicateAddressErrors(blocks: ServerBlockNode[]): Diagnostic[] {
  const registered = new Map<string, Key>();
  const unbound = new Map<string, Key>();
  const out: Diagnostic[] = [];
  for (const block of blocks) {
    const filtered = block.directives.some((d) => d.name === 'view');
    for (const a of block.addresses) {
      for (const address of listenHosts(block)) {
        const k: Key = { transport: a.transport, zone: a.zone, port: a.port, address };
        const uk: Key = { ...k, address: '' };
        let exists: Key | undefined;
        let overlap: Key | undefined;
        if (!filtered) exists = registered.get(id(k));
        if (!exists) {
          const already = unbound.get(id(uk));
          if (already) {
            if (address === '') overlap = already;
            else if (registered.has(id(uk))) overlap = uk;
          }
        }
        const pos = block.keys.find((t) => t.text === a.raw)?.pos ?? block.pos;
        if (exists) {
          out.push({ severity: 'error', message: `cannot serve ${show(k)} - it is already defined`, pos });
        } else if (overlap) {
          out.push({ severity: 'error', message: `cannot serve ${show(k)} - zone overlap listener capacity with ${show(overlap)}`, pos });
        } else if (!filtered) {
          registered.set(id(k), k);
          unbound.set(id(uk), k);
        }
      }
    }
  }
  return out;
}
