/** Domain-name helpers with CoreDNS semantics: lower-case FQDNs, label-boundary suffix matching. */

/** Lower-cases and appends the trailing dot (`plugin.Name.Normalize`). */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  if (n === '' || n === '.') return '.';
  return n.endsWith('.') ? n : `${n}.`;
}

/** True when `name` equals `zone` or lies below it, on a label boundary. Both must be FQDNs. */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  if (name === zone) return true;
  return name.endsWith(`.${zone}`);
}

/** The longest zone in `zones` that `name` lies in, or '' (`plugin.Zones.Matches`). */
export function matchZone(zones: readonly string[], name: string): string {
  let best = '';
  for (const z of zones) {
    if (isSubdomain(name, z) && z.length > best.length) best = z;
  }
  return best;
}

/** `name`, then `name` minus its first label, … down to (not including) the root. */
export function suffixes(name: string): string[] {
  const out: string[] = [];
  let rest = name;
  while (rest !== '.' && rest !== '') {
    out.push(rest);
    const dot = rest.indexOf('.');
    rest = dot < 0 || dot === rest.length - 1 ? '.' : rest.slice(dot + 1);
  }
  return out;
}

/** Labels of a FQDN left of `zone` ("a.b.cluster.local." − "cluster.local." → ["a","b"]). */
export function labelsBelow(name: string, zone: string): string[] {
  if (name === zone) return [];
  const base = zone === '.' ? name.slice(0, -1) : name.slice(0, name.length - zone.length - 1);
  return base === '' ? [] : base.split('.');
}

/** The IP address a reverse name (x.in-addr.arpa. / nibbles.ip6.arpa.) stands for, or ''. */
export function addressFromReverse(name: string): string {
  if (name.endsWith('.in-addr.arpa.')) {
    const parts = name.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return '';
    return parts.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa.')) {
    const nib = name.slice(0, -'.ip6.arpa.'.length).split('.');
    if (nib.length !== 32 || nib.some((n) => !/^[0-9a-f]$/.test(n))) return '';
    const hex = nib.reverse().join('');
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4).replace(/^0+(?=.)/, ''));
    return groups.join(':');
  }
  return '';
}

/** True for names in in-addr.arpa. or ip6.arpa. */
export function isReverse(name: string): boolean {
  return name.endsWith('in-addr.arpa.') || name.endsWith('ip6.arpa.');
}
