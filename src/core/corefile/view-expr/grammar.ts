/**
 * The expr-lang/expr subset CoreDNS's `view` plugin uses, parsed with jsep. jsep is configured once
 * with expr's word operators; precedences follow expr (or < and < comparison/membership).
 */
import jsepImport from 'jsep';

type Jsep = typeof jsepImport;
// jsep is CJS with a default export; under NodeNext the namespace may wrap it.
const jsep: Jsep = ((jsepImport as unknown as { default?: Jsep }).default ?? jsepImport) as Jsep;

let configured = false;

/** Returns jsep with the operators expr-lang accepts and CoreDNS expressions use. */
export function exprParser(): Jsep {
  if (!configured) {
    jsep.addBinaryOp('or', 1);
    jsep.addBinaryOp('and', 2);
    for (const op of ['matches', 'in', 'contains', 'startsWith', 'endsWith']) jsep.addBinaryOp(op, 6);
    jsep.addUnaryOp('not');
    configured = true;
  }
  return jsep;
}

export type { Expression } from 'jsep';
