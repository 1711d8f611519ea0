/** `dnswhy probe --spec JSON`: what a real probe pod runs, here against files in a temp dir and loopback. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probeCommand, podIpFromHost } from '../../../src/cli/commands/probe.js';

const dir = mkdtempSync(join(tmpdir(), 'dnswhy-probe-cli-'));
const resolv = join(dir, 'resolv.conf');
const hosts = join(dir, 'hosts');
writeFileSync(resolv, 'nameserver 127.0.0.1\noptions ndots:1 timeout:1 attempts:1\n');
writeFileSync(hosts, '127.0.0.1 localhost\n127.0.0.1 app.internal\n');

async function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const program = new Command('dnswhy').exitOverride().addCommand(probeCommand());
    await program.parseAsync(['probe', ...args], { from: 'user' });
    return { stdout, stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('dnswhy probe', () => {
  it('prints one JSON line with the evidence, using the given resolv.conf and hosts file', async () => {
    const spec = { name: 'app.internal', dnsServiceIp: '127.0.0.1', endpoints: [], tcpPorts: [1], burst: { count: 0, concurrency: 1 }, queryTimeoutMs: 200 };
    const r = await run(['--spec', JSON.stringify(spec), '--resolv-conf', resolv, '--hosts', hosts]);
    expect(r.exitCode ?? 0).toBe(0);
    const out = JSON.parse(r.stdout) as { evidence: { kind: string; [k: string]: unknown }[] };
    expect(out.evidence.map((e) => e.kind)).toEqual(expect.arrayContaining(['resolv-conf', 'hosts-file', 'lookup', 'dns-query', 'tcp-connect']));
    expect(out.evidence.find((e) => e.kind === 'lookup')).toMatchObject({ result: { ok: true, addresses: ['127.0.0.1'], answeredBy: 'hosts-file' } });
    expect(out.evidence.find((e) => e.kind === 'resolv-conf')).toMatchObject({ text: 'nameserver 127.0.0.1\noptions ndots:1 timeout:1 attempts:1\n' });
    expect(out.evidence.find((e) => e.kind === 'tcp-connect')).toMatchObject({ ip: '127.0.0.1', port: 1, ok: false, error: 'refused' });
  });

  it('exits 2 naming the wrong fields of a bad spec', async () => {
    const r = await run(['--spec', '{"name":"x","dnsServiceIp":"nope"}']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/invalid probe spec: dnsServiceIp/);
    expect(r.stdout).toBe('');
  });

  it('takes the pod IP from $POD_IP (downward API)', () => {
    expect(podIpFromHost({ POD_IP: '10.244.3.4' })).toBe('10.244.3.4');
    expect(podIpFromHost({})).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
