/**
 * The packed package, installed and run the way the image and the kubelet run it, on a machine
 * without a container engine:
 * - packAndInstall(): copies the working tree (what a fresh clone has), runs `npm pack` there
 *   (which builds dist/), and installs the tarball with deploy/image/install-package.sh, the same
 *   script the Dockerfile runs, into a fresh prefix;
 * - runLikeKubelet(): runs one container command in new network and mount namespaces: only
 *   loopback, the root file system read-only, the install bind-mounted where the image has it, a
 *   tmpfs for each folder the manifests mount, the image's environment only, as uid/gid 65532,
 *   under strace so that every attempted write outside the mounted folders is seen even when the
 *   program swallows the error, and with a loader hook that fails on any TypeScript compile step.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface PackedInstall {
  /** Scratch folder holding everything below (remove with cleanup()). */
  dir: string;
  tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
  /** The install prefix (the image's /opt/dnswhy). */
  prefix: string;
  cleanup(): void;
}

/** Copies the working tree's files (tracked and new, not ignored) and links its node_modules for the build. */
async function copyWorkingTree(to: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  for (const rel of stdout.split('\0').filter(Boolean)) {
    const from = join(repoRoot, rel);
    const dest = join(to, rel);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      copyFileSync(from, dest);
    } catch (err) {
      // A file deleted in the working tree but still tracked: a fresh clone of the change would not have it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(to, 'node_modules'));
}

export async function packAndInstall(): Promise<PackedInstall> {
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-packed-'));
  chmodSync(dir, 0o755);
  try {
    const src = join(dir, 'src');
    await copyWorkingTree(src);
    const out = join(dir, 'pkg');
    mkdirSync(out);
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    await run('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: src, env, maxBuffer: 16 * 1024 * 1024 });
    const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    const prefix = join(dir, 'prefix');
    await run('sh', [join(src, 'deploy', 'image', 'install-package.sh'), tarball, prefix], { env, maxBuffer: 16 * 1024 * 1024 });
    rmSync(src, { recursive: true, force: true });
    return { dir, tarball, files, prefix, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What the image and the manifests give a container. */
export interface ContainerContract {
  /** Where the image has the package (Dockerfile COPY target, e.g. /opt/dnswhy). */
  installPath: string;
  /** The image's environment (Dockerfile ENV) plus the container's own env. */
  env: Record<string, string>;
  workingDir: string;
  uid: number;
  gid: number;
  /** Folders the manifests mount writable (emptyDir), e.g. ['/tmp']. */
  writable: string[];
}

export interface KubeletRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Attempted writes outside the writable folders, as strace saw them. */
  writesOutside: string[];
  /** The command's first word was not found on the container's PATH. */
  notOnPath: boolean;
}

// Loaded with --import through NODE_OPTIONS: a resolve hook that refuses TypeScript sources and the
// compilers that would turn them into JavaScript at run time.
const noCompileHook = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/\\\\.(c|m)?tsx?$/.test(r.url) || /\\\\/node_modules\\\\/(tsx|typescript|esbuild|ts-node)\\\\//.test(r.url)) {
    throw new Error('runtime compile step: ' + r.url + ' was loaded');
  }
  return r;
}\`));
`;

const writeSyscalls = 'open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,symlink,symlinkat,link,linkat,truncate,chmod,fchmodat,chown,lchown,fchownat,utimensat,mknod,mknodat';

/** Paths of strace lines that try to write, outside the allowed folders. */
export function writesOutside(trace: string, allowed: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const line of trace.split('\n')) {
    const m = /^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, call, args] = m as unknown as [string, string, string];
    if (call.startsWith('open') || call === 'creat') {
      if (call !== 'creat' && !/O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(args)) continue;
    }
    for (const p of args.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      const path = resolve(cwd, p[1]!);
      if (['/dev/null', '/dev/tty', '/dev/stdout', '/dev/stderr'].includes(path) || path.startsWith('/proc/self/fd/')) continue;
      if (allowed.some((a) => path === a || path.startsWith(`${a}/`))) continue;
      out.push(`${call}(${p[1]}) = ${m[3]}`);
    }
  }
  return [...new Set(out)];
}

/** Runs `command` as the kubelet would run it in a container built from the image. */
export async function runLikeKubelet(install: PackedInstall, contract: ContainerContract, command: string[], opts: { files?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubeletRun> {
  const work = mkdtempSync(join(install.dir, 'run-'));
  chmodSync(work, 0o755);
  // Files the test hands the container (a Corefile to check, the loader hook), readable by anyone, under /opt/fixtures.
  const fixtures = join(work, 'fixtures');
  mkdirSync(fixtures);
  chmodSync(fixtures, 0o755);
  writeFileSync(join(fixtures, 'no-compile.mjs'), noCompileHook, { mode: 0o644 });
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(fixtures, name), text, { mode: 0o644 });
  // The container's resolv.conf points at loopback: nothing leaves the network namespace anyway.
  const resolvConf = join(work, 'resolv.conf');
  writeFileSync(resolvConf, 'nameserver 127.0.0.1\noptions ndots:5\n', { mode: 0o644 });
  const trace = '/opt/trace/strace.log';
  const env: Record<string, string> = { ...contract.env, NODE_OPTIONS: '--import=/opt/fixtures/no-compile.mjs' };
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const path = env.PATH ?? '/usr/bin:/bin';
  const script = [
    'set -e',
    'ip link set lo up',
    'mount --make-rprivate /',
    // readOnlyRootFilesystem: everything the container sees is read-only from here on...
    'mount --bind / / && mount -o remount,bind,ro /',
    // ...except what the manifests mount, and the kubelet's own /dev.
    'mount -t tmpfs -o mode=0755 tmpfs /opt',
    `mkdir -p ${q(contract.installPath)} /opt/fixtures /opt/trace`,
    `mount --bind ${q(install.prefix)} ${q(contract.installPath)} && mount -o remount,bind,ro ${q(contract.installPath)}`,
    `mount --bind ${q(fixtures)} /opt/fixtures && mount -o remount,bind,ro /opt/fixtures`,
    `mount --bind ${q(resolvConf)} /etc/resolv.conf`,
    ...contract.writable.map((w) => `mount -t tmpfs -o mode=0755,uid=${contract.uid},gid=${contract.gid} tmpfs ${q(w)}`),
    // The kubelet resolves the command on the container's PATH, as uid:gid, with the image's environment only.
    `first=$(PATH=${q(path)} command -v ${q(command[0]!)} || true)`,
    'if [ -z "$first" ]; then echo "dnswhy-kubelet: executable not found in $PATH" >&2; exit 127; fi',
    `cd ${q(contract.workingDir)}`,
    'set +e',
    `strace -f -qq -o ${trace} -e trace=${writeSyscalls} setpriv --reuid=${contract.uid} --regid=${contract.gid} --clear-groups --inh-caps=-all ` +
      `env -i ${Object.entries(env).map(([k, v]) => q(`${k}=${v}`)).join(' ')} "$first" ${command.slice(1).map(q).join(' ')}`,
  ].join('\n');
  // The trace is read back before the namespace goes away: printed on stderr after a marker.
  const outer = `unshare --net --mount sh -c ${q(`${script}\nrc=$?\necho "@@TRACE@@" >&2\ncat ${trace} >&2\nexit $rc`)}`;
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', outer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      const [err, traceText = ''] = stderr.split('@@TRACE@@\n');
      rmSync(work, { recursive: true, force: true });
      done({
        code: code ?? -1,
        stdout,
        stderr: err ?? '',
        writesOutside: writesOutside(traceText, contract.writable, contract.workingDir),
        notOnPath: (err ?? '').includes('dnswhy-kubelet: executable not found'),
      });
    });
  });
}

/** The image's runtime stage (the last FROM) as a container contract: ENV, WORKDIR, USER, ENTRYPOINT, COPY target. */
export function imageContract(dockerfile: string): { env: Record<string, string>; workingDir: string; user: string; entrypoint: string[]; installPath: string } {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n\s*/g, ' ');
  const stages = text.split(/^FROM\s/m);
  const last = stages[stages.length - 1]!;
  const env: Record<string, string> = {};
  let workingDir = '/';
  let user = '';
  let entrypoint: string[] = [];
  let installPath = '';
  for (const line of last.split('\n')) {
    const [word, ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    if (word === 'ENV') for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    if (word === 'WORKDIR') workingDir = args;
    if (word === 'USER') user = args;
    if (word === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    if (word === 'COPY' && /--from=install/.test(args)) installPath = rest[rest.length - 1]!;
  }
  return { env, workingDir, user, entrypoint, installPath };
}
