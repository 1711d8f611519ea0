/**
 * The crash-safe wrapper of the netns backend. The lab process runs as PID 1 of its own PID and
 * mount namespaces (`unshare -m -p -f --kill-child --mount-proc`, with `-r` for a user namespace
 * when not root) under `setpriv --pdeathsig KILL`: when the dnswhy that started it dies, or the lab
 * itself dies, the kernel kills every process of the lab, and its network namespaces (bind mounts
 * on a private tmpfs /run) go with the mount namespace. Nothing is created in the root network
 * namespace, and the lab process stays in it only to serve the Kubernetes API on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const wrappedEnv = 'DNSWHY_NETNS_WRAPPED';
/** Commands the backend runs (Debian packages: iproute2, nftables, util-linux, busybox, bind9-dnsutils, musl-tools, conntrack). */
export const requiredCommands = ['ip', 'nft', 'unshare', 'setpriv', 'busybox', 'dig', 'musl-gcc', 'conntrack', 'getent'];

/** True in the lab process the wrapper started. */
export function insideWrapper(): boolean {
  return process.env[wrappedEnv] === '1' && process.pid === 1;
}

export function assertInsideWrapper(): void {
  if (!insideWrapper()) {
    throw new Error('the netns backend runs only inside its crash-safe wrapper: start it with the --backend netns option of dnswhy lab, lab test, why or demo');
  }
}

/** The private tmpfs of the wrapper (gone with the lab). */
export function wrapperRunDir(): string {
  return '/run/dnswhy';
}

function missing(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status !== 0;
}

/** The unshare flags that work here (root, else a user namespace), or why neither does. */
export function wrapperFlags(): { flags: string[] } | { problem: string } {
  const gone = requiredCommands.filter(missing);
  if (gone.length) return { problem: `the netns backend needs ${gone.join(', ')} (Debian packages iproute2 nftables conntrack busybox musl-tools bind9-dnsutils; the test setup and .ci/run install them with apt-get)` };
  const base = ['-m', '-p', '-f', '--kill-child', '--mount-proc'];
  const root = process.getuid?.() === 0;
  const tries = root ? [base] : [['-r', ...base]];
  for (const flags of tries) {
    const r = spawnSync('unshare', [...flags, 'sh', '-c', 'mount -t tmpfs none /run && ip netns add dnswhy-probe && ip netns del dnswhy-probe'], { encoding: 'utf8' });
    if (r.status === 0) return { flags };
  }
  return { problem: root ? 'unshare of mount and PID namespaces failed here (a container without CAP_SYS_ADMIN?)' : 'this machine allows neither root nor an unprivileged user namespace (unshare -r failed), which the netns backend needs' };
}

/** In the lab process: the private /run for the named namespaces and the lab's files. */
export function prepareInside(): void {
  const r = spawnSync('sh', ['-c', 'mountpoint -q /run && [ -f /run/.dnswhy ] || { mount -t tmpfs -o mode=755 none /run && touch /run/.dnswhy; }'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netns backend: cannot mount a private /run: ${r.stderr.trim()}`);
  mkdirSync(wrapperRunDir(), { recursive: true });
}

/**
 * Runs this dnswhy command again inside the wrapper and resolves with its exit code. SIGINT and
 * SIGTERM go to the lab process (it stops its lab); a second signal, or no exit within 5 s, kills it.
 */
export function runInWrapper(argv: readonly string[], flags: string[]): Promise<number> {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', ...flags, process.execPath, ...process.execArgv, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [wrappedEnv]: '1' },
  });
  const forward = (sig: NodeJS.Signals) => {
    const inner = innerPid(child.pid);
    if (inner) process.kill(inner, sig);
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** The lab process: unshare's child, as the host sees it. */
function innerPid(unsharePid: number | undefined): number | undefined {
  if (!unsharePid) return undefined;
  const r = spawnSync('sh', ['-c', `cat /proc/${unsharePid}/task/*/children 2>/dev/null`], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
