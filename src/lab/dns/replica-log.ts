/**
 * What a CoreDNS pod writes to stdout (what `kubectl logs` shows): the start-up banner with the
 * Corefile's SHA512, reload lines, the `errors` plugin's lines for failed requests and, when the
 * Corefile has `log`, one line per query in CoreDNS's common log format. Bounded.
 */

const maxLines = 2000;

/** Go's time.Duration-like seconds text used by the log plugin ("0.000173s"). */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(9))}s`;
}

export class ReplicaLog {
  private lines: string[] = [];

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > maxLines) this.lines.splice(0, this.lines.length - maxLines);
  }

  /** Start-up: the server addresses, the configuration hash, the version lines. */
  started(addresses: string[], hash: string, version: string | undefined): void {
    for (const a of addresses) this.push(a);
    this.push(`[INFO] plugin/reload: Running configuration SHA512 = ${hash}`);
    this.push(`CoreDNS-${version ?? '1.11.3'}`);
    this.push('linux/amd64, go1.22.7, lab');
  }

  reloaded(addresses: string[], hash: string): void {
    this.push('[INFO] Reloading');
    for (const a of addresses) this.push(a);
    this.push(`[INFO] plugin/reload: Running configuration SHA512 = ${hash}`);
    this.push('[INFO] Reloading complete');
  }

  failedReload(error: string): void {
    this.push('[INFO] Reloading');
    this.push(`[ERROR] Restart failed: ${error}`);
  }

  /** The `log` plugin's line for one request. */
  query(q: { client: string; port: number; id: number; type: string; name: string; proto: string; size: number; do: boolean; bufsize: number; rcode: string; flags: string; rsize: number; ms: number }): void {
    const name = q.name.endsWith('.') ? q.name : `${q.name}.`;
    this.push(`[INFO] ${q.client}:${q.port} - ${q.id} "${q.type} IN ${name} ${q.proto} ${q.size} ${q.do} ${q.bufsize}" ${q.rcode} ${q.flags} ${q.rsize} ${seconds(q.ms)}`);
  }

  /** The `errors` plugin's line for a request that failed (rcode SERVFAIL from a plugin error). */
  error(name: string, type: string, detail: string): void {
    const fqdn = name.endsWith('.') ? name : `${name}.`;
    this.push(`[ERROR] plugin/errors: 2 ${fqdn} ${type}: ${detail}`);
  }

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}
