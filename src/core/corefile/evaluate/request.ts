/** Builds the internal request from an EvalQuery. */
import { fqdn } from './names.js';
import type { EvalQuery, Req } from './types.js';

/** Normalises a query into a chain request (lower-case FQDN, defaults filled in). */
export function toReq(q: EvalQuery): Req {
  const name = fqdn(q.name.trim());
  const type = q.type.toUpperCase();
  const bufsize = q.bufsize ?? 512;
  return {
    name, origName: name, type, origType: type, class: (q.class ?? 'IN').toUpperCase(), client: q.client,
    clientPort: q.clientPort ?? 40000, proto: q.proto ?? 'udp', transport: q.transport ?? 'dns', serverPort: q.port ?? 53,
    serverIp: q.serverIp ?? '127.0.0.1', do: q.do ?? false, cd: q.cd ?? false, bufsize, id: q.id ?? 0, opcode: 0,
    // Header + question (+ OPT when EDNS is used): what `size()` reports for a plain query.
    size: 12 + (name === '.' ? 1 : name.length + 1) + 4 + (q.bufsize !== undefined || q.do ? 11 : 0),
  };
}
