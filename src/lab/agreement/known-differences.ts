/**
 * Why the model and a libc disagree on a case, where they do and the model is not (yet) changed:
 * keyed `<case id>/<glibc|musl>`. The agreement table prints the reason next to the case, and such
 * a case is never marked as agreeing (so the check does not depend on a race); a disagreement
 * without a reason here is marked "unexplained".
 */
const servfailRace =
  "musl re-sends a query at once to a server that answered SERVFAIL, while a budget of twice the query count lasts (renewed each retry interval); which replies use the budget depends on the order they arrive in, so the count per server varies from run to run (the result and the time agree)";

export const knownDifferences: Record<string, string> = {
  'servfail-first-of-two/musl': servfailRace,
  'servfail-all/musl': servfailRace,
  'rotate-servfail-first/musl': servfailRace,
  'rotate-three/glibc': 'with rotate, glibc starts at a random nameserver in each process; the model starts at the first (the order after that agrees)',
  'rotate-servfail-first/glibc': 'with rotate, glibc starts at a random nameserver in each process; the model starts at the first (the order after that agrees)',
  'use-vc-timeout-first/glibc':
    'over TCP glibc has no read timeout: a server that accepts the connection and never answers holds the lookup until the connection closes (the run was ended after 60 s); the model waits one per-try timeout and moves on to the next server',
  'single-request-reopen-timeout-first/glibc': 'with single-request-reopen and a silent first server, the model re-sends AAAA to it once more than glibc does before moving on (the result and the time agree)',
};
