/**
 * Model against libc for one case (pure): the same result (found or not, and the addresses), and
 * the same queries: every query one side sent must match one of the other's with the same server,
 * transport, name, type, EDNS0 and AD flag, within a time tolerance (process start-up and a loaded
 * machine move real runs by tens of milliseconds; libc's waits are whole seconds).
 */
import type { LoggedQuery } from './logging-server.js';
import type { RunnerResult } from './run-case.js';

export interface Comparison {
  agree: boolean;
  differences: string[];
}

const toleranceMs = (t: number) => 250 + 0.05 * t;

function describe(q: LoggedQuery): string {
  return `${q.qtype} ${q.qname} → ns${q.server}/${q.proto}${q.edns ? ' +edns' : ''}${q.ad ? ' +ad' : ''} at ${q.atMs} ms`;
}

const sameQuery = (a: LoggedQuery, b: LoggedQuery) =>
  a.server === b.server && a.proto === b.proto && a.qname === b.qname && a.qtype === b.qtype && a.edns === b.edns && a.ad === b.ad;

export function compareRuns(model: RunnerResult, real: RunnerResult): Comparison {
  const differences: string[] = [];
  if (model.ok !== real.ok) differences.push(`libc ${real.ok ? 'found' : 'did not find'} the name, the model ${model.ok ? 'found' : 'did not find'} it`);
  else if (real.ok && [...model.addresses].sort().join() !== [...real.addresses].sort().join()) differences.push(`addresses: libc ${real.addresses.join(' ')}, model ${model.addresses.join(' ')}`);
  const unmatched = [...model.queries];
  for (const q of real.queries) {
    const i = unmatched.findIndex((m) => sameQuery(m, q) && Math.abs(m.atMs - q.atMs) <= toleranceMs(q.atMs));
    if (i >= 0) unmatched.splice(i, 1);
    else differences.push(`libc sent ${describe(q)}; the model did not`);
  }
  for (const m of unmatched) differences.push(`the model sent ${describe(m)}; libc did not`);
  if (Math.abs(model.spanMs - real.spanMs) > 400 + 0.05 * real.spanMs) differences.push(`lookup time from the first query: libc ${real.spanMs} ms, model ${model.spanMs} ms`);
  return { agree: differences.length === 0, differences };
}
