/**
 * The image's contract, proved without a container engine (none runs here): the project is packed
 * with `npm pack`, installed by the image's own install script into a fresh folder, and each
 * container command runs as the kubelet would run it from the image (deploy/Dockerfile's USER, ENV,
 * WORKDIR and ENTRYPOINT) under the manifests' security context: uid 65532, a read-only root file
 * system, only the folders the manifests mount writable, and nothing but loopback to talk to.
 * Fails on a binary missing from PATH, a write outside the mounted folders, or a compile step.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/lab/rbac/shipped-rbac.js';
import { probeCommand } from '../../src/probes/gather/probe-pods.js';
import { ephemeralContainerManifest, probePodManifest } from '../../src/probes/kube/probe-manifests.js';
import { imageContract, packAndInstall, repoRoot, runLikeKubelet, writesOutside, type ContainerContract, type PackedInstall } from '../helpers/packed-install.js';

const image = imageContract(join(repoRoot, 'deploy', 'Dockerfile'));
const [uid, gid] = image.user.split(':').map(Number) as [number, number];
const rendered = parseManifests(execFileSync('kubectl', ['kustomize', join(repoRoot, 'deploy', 'overlays', 'all-in-one')], { encoding: 'utf8' }), 'all-in-one');

/** A Deployment's container as the kubelet would run it: the image's contract plus the pod spec's mounts and env. */
function deploymentContract(name: string): { contract: ContainerContract; args: string[]; security: Record<string, unknown> } {
  const d = rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any;
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  const env: Record<string, string> = { ...image.env };
  for (const e of c.env ?? []) env[e.name] = e.value ?? (e.valueFrom ? `${name}-7d9c8-abcde` : '');
  const writable = (c.volumeMounts ?? []).filter((m: any) => !m.readOnly && pod.volumes.find((v: any) => v.name === m.name)?.emptyDir).map((m: any) => m.mountPath);
  return {
    contract: { installPath: image.installPath, env, workingDir: image.workingDir, uid: pod.securityContext.runAsUser, gid: pod.securityContext.runAsGroup, writable },
    args: c.args,
    security: { ...pod.securityContext, ...c.securityContext },
  };
}

const twinSpec = {
  mode: 'twin' as const,
  name: 'db.shop.svc.cluster.local',
  dnsServiceIp: '127.0.0.1',
  endpoints: [{ ip: '127.0.0.1', pod: 'coredns-a' }],
  tcpPorts: [5432],
  burst: { count: 4, concurrency: 2 },
  queryTimeoutMs: 200,
  timeoutScale: 0.02,
};

describe('the packed package runs as the image runs it (uid 65532, read-only root, no compile step)', { timeout: 240_000 }, () => {
  let pkg: PackedInstall;
  beforeAll(async () => {
    pkg = await packAndInstall();
  }, 240_000);
  afterAll(() => pkg?.cleanup());

  it('the image runs as a numeric non-root user, with dnswhy on PATH and the install where the ENTRYPOINT finds it', () => {
    expect(image.user).toMatch(/^\d+:\d+$/);
    expect(uid).toBe(65532);
    expect(gid).toBe(65532);
    expect(image.entrypoint).toEqual(['dnswhy']);
    expect(image.env.PATH!.split(':')).toContain(`${image.installPath}/bin`);
    for (const name of ['dnswhy-worker', 'dnswhy-app']) {
      const { contract, security } = deploymentContract(name);
      expect(security).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(contract.writable, `${name} mounts its TMPDIR`).toContain(image.env.TMPDIR);
    }
  });

  it('the tarball holds the compiled build, the bins and the lock, and no tests, benchmarks, CI scripts or TypeScript sources', () => {
    expect(pkg.files).toContain('bin/dnswhy.js');
    expect(pkg.files).toContain('dist/src/cli/main.js');
    expect(pkg.files).toContain('npm-shrinkwrap.json');
    expect(pkg.files).toContain('deploy/base/rbac/diagnose.yaml');
    const unwanted = pkg.files.filter((f) => /^(test|bench|\.ci|src|jobs)\//.test(f) || /\.ts$/.test(f) || f.startsWith('dist/test/') || f.startsWith('dist/bench/'));
    expect(unwanted).toEqual([]);
  });

  it('the worker container starts (`dnswhy --version` through the ENTRYPOINT) with only its /tmp emptyDir writable', async () => {
    const { contract } = deploymentContract('dnswhy-worker');
    const r = await runLikeKubelet(pkg, contract, [...image.entrypoint, '--version']);
    expect(r.notOnPath).toBe(false);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.writesOutside).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('`kubectl-dnswhy` and `dnswhy corefile check` run from PATH and write nothing', async () => {
    const { contract } = deploymentContract('dnswhy-app');
    const files = { Corefile: '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n    reload\n}\n' };
    const plugin = await runLikeKubelet(pkg, contract, ['kubectl-dnswhy', '--version']);
    expect([plugin.code, plugin.writesOutside]).toEqual([0, []]);
    const r = await runLikeKubelet(pkg, contract, ['dnswhy', 'corefile', 'check', '/opt/fixtures/Corefile'], { files });
    expect(r.stderr).toBe('');
    expect(r.writesOutside).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("a probe pod's exact command runs with no writable folder at all and prints its evidence", async () => {
    const pod = probePodManifest({ namespace: 'shop', name: 'dnswhy-twin-abc', labels: {}, image: 'ghcr.io/dnswhy/dnswhy:0.1.0', command: probeCommand(twinSpec), dnsPolicy: 'ClusterFirst' });
    const c = pod.spec!.containers[0]!;
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsUser: 65532, runAsNonRoot: true });
    expect(pod.spec!.volumes ?? []).toEqual([]);
    const contract: ContainerContract = { installPath: image.installPath, env: { ...image.env }, workingDir: image.workingDir, uid: c.securityContext!.runAsUser!, gid: c.securityContext!.runAsGroup!, writable: [] };
    const r = await runLikeKubelet(pkg, contract, c.command!);
    expect(r.notOnPath).toBe(false);
    expect(r.writesOutside).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { evidence: { kind: string }[] };
    expect(out.evidence.map((e) => e.kind)).toContain('dns-query');
  });

  it("an ephemeral probe container's exact command runs the same way", async () => {
    const ec = ephemeralContainerManifest({ name: 'dnswhy-probe-1', image: 'ghcr.io/dnswhy/dnswhy:0.1.0', command: probeCommand({ ...twinSpec, mode: 'node-view', upstreams: [{ ip: '127.0.0.1' }] }) });
    const contract: ContainerContract = { installPath: image.installPath, env: { ...image.env }, workingDir: image.workingDir, uid: ec.securityContext!.runAsUser!, gid: ec.securityContext!.runAsGroup!, writable: [] };
    const r = await runLikeKubelet(pkg, contract, ec.command!);
    expect([r.code, r.writesOutside, r.stderr]).toEqual([0, [], '']);
    expect((JSON.parse(r.stdout) as { evidence: unknown[] }).evidence.length).toBeGreaterThan(0);
  });

  it('catches a write outside the mounted folders even when the program swallows the error', async () => {
    const { contract } = deploymentContract('dnswhy-worker');
    const script = "try { require('fs').mkdirSync(require('os').homedir() + '/.cache') } catch {} ; require('fs').writeFileSync('/tmp/ok', '1')";
    const r = await runLikeKubelet(pkg, contract, ['node', '-e', script]);
    expect(r.code).toBe(0);
    expect(r.writesOutside).toEqual([expect.stringMatching(/^mkdir\(\/nonexistent\/\.cache\) = -1 E(ROFS|NOENT|ACCES)/)]);
  });

  it('catches a runtime compile step (a TypeScript file loaded at start)', async () => {
    const { contract } = deploymentContract('dnswhy-worker');
    const r = await runLikeKubelet(pkg, contract, ['node', '--input-type=module', '-e', "await import('/opt/fixtures/entry.ts')"], { files: { 'entry.ts': 'export const x: number = 1;\n' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('runtime compile step: file:///opt/fixtures/entry.ts');
  });

  it('fails the way a kubelet would on a command that is not on PATH', async () => {
    const { contract } = deploymentContract('dnswhy-worker');
    const r = await runLikeKubelet(pkg, contract, ['dnswhy-missing', '--version']);
    expect(r.notOnPath).toBe(true);
    expect(r.code).toBe(127);
  });

  // The krew plugin, from the same packed tarball: deploy/krew/make-plugin.sh makes the archive and
  // its manifest; unpacked and linked onto PATH as krew does, it runs as `kubectl dnswhy` through the
  // real kubectl. Nothing is downloaded: the URI is a file:// URL of the archive just built.
  describe('the krew plugin archive and manifest', () => {
    let manifest: { kind: string; metadata: { name: string }; spec: { version: string; platforms: { uri: string; sha256: string; bin: string; selector: unknown }[] } };
    let archive = '';
    beforeAll(async () => {
      const out = join(pkg.dir, 'krew');
      const { stdout } = await promisify(execFile)('sh', [join(repoRoot, 'deploy', 'krew', 'make-plugin.sh'), pkg.tarball, out, `file://${out}`], { encoding: 'utf8', maxBuffer: 16 << 20 });
      manifest = parseYaml(readFileSync(stdout.trim(), 'utf8')) as typeof manifest;
      archive = join(out, 'dnswhy-linux-amd64.tar.gz');
    }, 240_000);

    it('names the archive with its sha256 and the package version', () => {
      expect(manifest).toMatchObject({ kind: 'Plugin', metadata: { name: 'dnswhy' }, spec: { version: 'v0.1.0' } });
      const [platform] = manifest.spec.platforms;
      expect(platform!.uri).toBe(`file://${archive}`);
      expect(platform!.sha256).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
      expect(platform!.bin).toBe('bin/kubectl-dnswhy');
    });

    it('runs as `kubectl dnswhy` once unpacked and linked onto PATH as krew does', async () => {
      const store = join(pkg.dir, 'krew-store', 'dnswhy', 'v0.1.0');
      const bin = join(pkg.dir, 'krew-bin');
      mkdirSync(store, { recursive: true });
      mkdirSync(bin, { recursive: true });
      await promisify(execFile)('tar', ['-xzf', archive, '-C', store]);
      symlinkSync(join(store, manifest.spec.platforms[0]!.bin), join(bin, 'kubectl-dnswhy'));
      const env = { PATH: `${bin}:${process.env.PATH}`, HOME: pkg.dir };
      const help = await promisify(execFile)('kubectl', ['dnswhy', 'why', '--help'], { env, encoding: 'utf8' });
      expect(help.stdout).toContain('Usage: kubectl dnswhy why [options] <pod> <name>');
      const corefile = join(pkg.dir, 'Corefile');
      writeFileSync(corefile, '.:53 {\n    forward . 1.1.1.1\n    cache 30\n}\n');
      const check = await promisify(execFile)('kubectl', ['dnswhy', 'corefile', 'check', corefile], { env, encoding: 'utf8' });
      expect(check.stdout).toContain('valid for CoreDNS');
      await expect(promisify(execFile)('kubectl', ['dnswhy', 'corefile', 'check', join(pkg.dir, 'missing')], { env })).rejects.toMatchObject({ code: 3 });
    });
  });
});

describe('what the harness counts as a write outside the mounted folders (the detector itself can fail)', () => {
  it('flags writes and creates outside, ignores reads, /dev/null and the allowed folders', () => {
    const trace = [
      '101 openat(AT_FDCWD, "/opt/dnswhy/lib/x.js", O_RDONLY|O_CLOEXEC) = 21',
      '101 openat(AT_FDCWD, "/tmp/tsx-0/cache.json", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 22',
      '101 mkdir("/nonexistent/.cache", 0777) = -1 EROFS (Read-only file system)',
      '101 openat(AT_FDCWD, "/dev/null", O_WRONLY) = 3',
      '101 openat(AT_FDCWD, "notes.txt", O_WRONLY|O_CREAT, 0644) = -1 EROFS (Read-only file system)',
    ].join('\n');
    expect(writesOutside(trace, [], '/opt/dnswhy')).toEqual([
      'openat(/tmp/tsx-0/cache.json) = 22',
      'mkdir(/nonexistent/.cache) = -1 EROFS (Read-only file system)',
      'openat(notes.txt) = -1 EROFS (Read-only file system)',
    ]);
    expect(writesOutside(trace, ['/tmp', '/nonexistent', '/opt/dnswhy'], '/opt/dnswhy')).toEqual([]);
  });
});
