/**
 * docs/install.md's commands are the ones that work: every `kubectl create` and
 * `kubectl kustomize … | kubectl apply` line of its shell blocks runs against the lab with
 * --dry-run=server (a `--context` dropped: the lab is the one cluster), and must succeed. kubectl
 * sends `create` bodies as protobuf, which the lab does not decode, so a create line is run as
 * `… --dry-run=client -o json | kubectl apply --dry-run=server -f -`: the same object, sent as JSON.
 * The Secret holds the tokens under the names the app reads. The page must show the
 * all-in-one install and the second cluster's worker, and name only overlays that exist.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab } from '../../src/lab/lab.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'install.md'), 'utf8');
const home = mkdtempSync(join(tmpdir(), 'dnswhy-install-doc-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The lines of the page's ```sh blocks (comments after `#` removed). */
const shellLines = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
const runnable = shellLines.filter((l) => /^kubectl (create namespace|-n dnswhy create secret|kustomize )/.test(l));

describe('docs/install.md', () => {
  it('shows the commands of a first install and of a second cluster, and names only overlays that exist', () => {
    expect(runnable).toEqual(
      expect.arrayContaining([
        'kubectl create namespace dnswhy',
        expect.stringMatching(/^kubectl -n dnswhy create secret generic dnswhy-slack --from-literal=SLACK_BOT_TOKEN=/),
        'kubectl kustomize deploy/overlays/all-in-one | kubectl apply -f -',
        'kubectl kustomize deploy/overlays/another-cluster-worker | kubectl --context second-cluster apply -f -',
      ]),
    );
    for (const [, overlay] of doc.matchAll(/deploy\/overlays\/([a-z-]+)/g)) expect(existsSync(join(root, 'deploy', 'overlays', overlay!)), overlay).toBe(true);
  });

  it('names the second cluster\'s inputs exactly as the overlay\'s dnswhy-inputs literals, with their values', () => {
    const kustomization = readFileSync(join(root, 'deploy', 'overlays', 'another-cluster-worker', 'kustomization.yaml'), 'utf8');
    const literals = [...kustomization.matchAll(/^\s+- ([A-Za-z]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(literals.map(([k]) => k)).toEqual(['cluster', 'redisUrl', 'probeNamespace']);
    const rows = [...doc.matchAll(/^\| `([A-Za-z]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(rows).toEqual(literals);
  });

  it('runs each of them against the lab, in order', { timeout: 120_000 }, async () => {
    const lab = await startLab(join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'), { dns: false, rbac: ['diagnose', 'patch'] });
    try {
      const env = { ...process.env, HOME: home, KUBECONFIG: lab.kubeconfigPath };
      for (const line of runnable) {
        const isCreate = / create /.test(line);
        // A server dry run creates no namespace: one the overlay itself adds (the probe namespace) is
        // created first, as a real apply does with the Namespace that kustomize puts first.
        const overlay = /^kubectl kustomize (\S+)/.exec(line)?.[1];
        if (overlay) {
          const rendered = parseAllDocuments((await run('kubectl', ['kustomize', overlay], { cwd: root, encoding: 'utf8' })).stdout).map((d) => d.toJSON() as { kind: string; metadata: { name: string } });
          for (const ns of rendered.filter((o) => o.kind === 'Namespace' && o.metadata.name !== 'dnswhy')) {
            const file = join(home, `${ns.metadata.name}.json`);
            writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata.name } }));
            await run('kubectl', ['apply', '-f', file], { env, encoding: 'utf8' });
          }
        }
        const asTested = isCreate ? `${line} --dry-run=client -o json | kubectl apply --dry-run=server -f -` : line.replace(/ --context \S+/, '').replace(/kubectl apply -f -$/, 'kubectl apply --dry-run=server -f -');
        const { stdout } = await run('bash', ['-o', 'pipefail', '-c', asTested], { cwd: root, env, encoding: 'utf8' });
        expect(stdout.trim().split('\n').every((l) => / \(server dry run\)$/.test(l)), `${line}\n${stdout}`).toBe(true);
        if (line.includes('kustomize')) expect(stdout, line).toContain('deployment.apps/dnswhy-worker created (server dry run)');
        if (line.includes('create secret')) {
          const secret = JSON.parse((await run('bash', ['-c', `${line} --dry-run=client -o json`], { env, encoding: 'utf8' })).stdout) as { metadata: { name: string; namespace: string }; data: Record<string, string> };
          expect(secret.metadata).toMatchObject({ name: 'dnswhy-slack', namespace: 'dnswhy' });
          expect(Object.keys(secret.data).sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
          expect(Buffer.from(secret.data.SLACK_BOT_TOKEN!, 'base64').toString()).toMatch(/^xoxb-/);
        }
      }
    } finally {
      await lab.stop();
    }
  });
});
