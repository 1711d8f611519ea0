import { headerRcodes } from '../../../model/dns.js';

/**
 * miekg/dns StringToRcode names (upper-case), as forward's `next`/`failover` and template's `rcode`
 * accept them: the header rcodes, then the extended ones EDNS and TSIG add (BADSIG and BADVERS share 16).
 */
export const rcodeNames: ReadonlyMap<string, number> = new Map([
  ...headerRcodes.map((name, value): [string, number] => [name, value]),
  ['BADSIG', 16], ['BADVERS', 16], ['BADKEY', 17], ['BADTIME', 18], ['BADMODE', 19], ['BADNAME', 20], ['BADALG', 21],
  ['BADTRUNC', 22], ['BADCOOKIE', 23],
]);
