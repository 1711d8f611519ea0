/**
 * A `forward` for the same zone written after the one that answers (typically `forward . …` imported from a
 * coredns-custom `*.override` key after the stock `forward . /etc/resolv.conf`): forward stanzas are chained in
 * Corefile order and the first whose zone covers the name serves it, so the later one never sees a query.
 * Said in upstream-failure's explanation, so an "override" that changes nothing is not taken for a fix.
 */
import { explainName, parsedCorefile } from '../lib/corefile-engine.js';
import type { Facts } from '../lib/facts.js';
import { isUnder, normName } from '../lib/names.js';

/** "forward . 1.1.1.1 (line 1 of /etc/coredns/custom/forward.override)" for each shadowed forward of the answering block. */
export function shadowedForwards(f: Facts): string[] {
  const p = parsedCorefile(f);
  const ex = explainName(f, f.queryName, f.pod.ip);
  if (!p || !ex || ex.plugin !== 'forward' || !ex.serverBlock) return [];
  const block = p.model.blocks.find((b) => b.index === ex.serverBlock!.index);
  if (!block) return [];
  // A stanza whose `except` list holds the name passes it on; it does not shadow the next one.
  const excepted = (d: (typeof block.directives)[number]) => (d.block ?? []).some((o) => o.name === 'except' && o.args.some((z) => isUnder(f.queryName, normName(z.text))));
  const covering = block.directives.filter((d) => d.name === 'forward' && d.args[0] && isUnder(f.queryName, normName(d.args[0].text)) && !excepted(d));
  if (covering.length < 2) return [];
  return covering.slice(1).map((d) => `forward ${d.args.map((a) => a.text).join(' ')} (line ${d.pos.line} of ${d.pos.file})`);
}
