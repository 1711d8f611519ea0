/** `dnswhy corefile explain` (the sub-command, run in-process on real files in a temp directory). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { explainCommand } from '../../../../src/cli/commands/corefile-explain.js';
import { seed004 } from './fixtures.js';

async function run(args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await explainCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('corefile explain CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-explain-'));
  writeFileSync(join(dir, 'Corefile'), seed004);
  writeFileSync(join(dir, 'objects.yaml'), 'namespaces: [default]\nservices:\n  - {namespace: default, name: web, clusterIP: 10.96.3.3}\n');

  it('prints the JSON fields diagnosis needs', async () => {
    const out = await run([join(dir, 'Corefile'), 'downloads.oneprocloud.com', '--json', '--client', '10.245.1.20']);
    const j = JSON.parse(out);
    expect(j.serverBlock).toMatchObject({ keys: ['.:53'], line: 1 });
    expect(j).toMatchObject({ view: null, plugin: 'kubernetes', rcode: 'NXDOMAIN', answers: [], forwardTo: null });
  });

  it('uses --services for the kubernetes plugin and --node-resolvers for /etc/resolv.conf', async () => {
    const svc = JSON.parse(await run([join(dir, 'Corefile'), 'web.default.svc.oneprocloud.com', '--json', '--services', join(dir, 'objects.yaml')]));
    expect(svc.answers[0].data).toBe('10.96.3.3');
    const fwd = JSON.parse(await run([join(dir, 'Corefile'), 'www.baidu.com', '--json', '--node-resolvers', '100.100.2.136,100.100.2.138']));
    expect(fwd.forwardTo).toEqual([{ ip: '100.100.2.136', port: 53 }, { ip: '100.100.2.138', port: 53 }]);
  });

  it('prints a readable explanation by default', async () => {
    const out = await run([join(dir, 'Corefile'), 'downloads.oneprocloud.com', '--type', 'aaaa']);
    expect(out).toContain('answered by:  kubernetes');
    expect(out).toContain('rcode:        NXDOMAIN');
    expect(out).toMatch(/why:\n {2}1\. Query downloads\.oneprocloud\.com\. AAAA/);
  });

  it('still explains a Corefile CoreDNS would refuse, and says why on stderr', async () => {
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    try {
      await run([join(dir, 'Corefile'), 'downloads.oneprocloud.com', '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(err).toMatch(/warning: .*Corefile:\d+:\d+ .*upstream.*CoreDNS would not start/);
  });

  it('takes --coredns-version', async () => {
    const j = JSON.parse(await run([join(dir, 'Corefile'), 'downloads.oneprocloud.com', '--json', '--coredns-version', 'v1.6.7']));
    expect(j.rcode).toBe('NXDOMAIN');
    await expect(run([join(dir, 'Corefile'), 'x', '--coredns-version', 'latest'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });

  it('rejects a bad port as a usage error', async () => {
    await expect(run([join(dir, 'Corefile'), 'x', '--port', '70000'])).rejects.toMatchObject({ exitCode: 1, code: 'commander.invalidArgument' });
  });
});
