/**
 * Configuration of `dnswhy serve`, read once from the environment and validated with zod at start,
 * so a missing token or a malformed approver list is reported by name before anything connects.
 * Every variable is listed, with a comment, in `.env.example`.
 */
import { z } from 'zod';
import { clusterNameRule, isValidClusterName } from './core/input/cluster-name.js';
import { DnswhyError } from './core/errors.js';
import { imagePullPolicies, type ImagePullPolicy } from './core/cluster-access.js';

/** Which parts of the bot this process runs. */
export type ServeRole = 'app' | 'worker' | 'all';

const clusterName = z.string().refine(isValidClusterName, `must be ${clusterNameRule} (it becomes part of a queue name)`);

const boolFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const idList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
  .pipe(z.array(z.string().regex(/^[USW][A-Z0-9]{2,}$/, 'each entry must be a Slack user id (U…/W…) or user-group id (S…)')));

const logLevels = ['debug', 'info', 'warn', 'error'] as const;

/** Kubernetes object names (Secrets, pods, namespaces): DNS-1123 subdomains. */
const objectName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a Kubernetes object name (lower case letters, digits, "-" and ".")').max(253);

/** A namespace name: a DNS-1123 label (no dots, at most 63 characters). */
const namespaceName = z
  .string()
  .max(63, 'must be a namespace name of at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name (lower case letters, digits and "-", starting and ending with a letter or digit)');

const nameList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
  .pipe(z.array(objectName));

/** An image reference as a pod spec carries it (registry/path:tag or @sha256:digest); the kubelet judges the rest. */
const imageRef = z.string().regex(/^[a-z0-9][a-z0-9._\-/:@]*[a-zA-Z0-9_.\-]$/i, 'must be an image reference such as registry.example.org/dnswhy/dnswhy:0.1.0 (no spaces)').max(512);

/** A whole number in [min, max]; the message names the range rather than zod's comparison. */
const intBetween = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

/** `host:port,host:port` (Redis Sentinel addresses). */
const hostPortList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0))
  .pipe(
    z
      .array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'each entry must be host:port (e.g. sentinel-0.redis:26379)'))
      .min(1, 'must list at least one sentinel as host:port')
      .transform((list) => list.map((x) => ({ host: x.slice(0, x.lastIndexOf(':')), port: Number(x.slice(x.lastIndexOf(':') + 1)) }))),
  );

/** Proposals and the post ledger are kept a week: longer windows would outlive what they refer to. */
const week = 7 * 24 * 3600;

/**
 * Secrets that may come from a file instead (`NAME_FILE=/path`, as mounted from a Kubernetes Secret
 * or written by a vault agent): the file's content, without its trailing newline, is the value.
 */
export const secretVariables = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'REDIS_URL', 'REDIS_PASSWORD'] as const;

const fileVariables = Object.fromEntries(secretVariables.map((name) => [`${name}_FILE`, z.string().optional()])) as Record<`${(typeof secretVariables)[number]}_FILE`, z.ZodOptional<z.ZodString>>;

const envSchema = z.object({
  ...fileVariables,
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'looks too short to be a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_API_URL: z.url({ message: 'must be a URL such as http://127.0.0.1:4000/api/' }).optional(),
  PORT: intBetween(1, 65535).default(3000),
  DNSWHY_OPS_PORT: intBetween(0, 65535).default(9090),
  DNSWHY_OPS_HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  REDIS_TLS_CA_FILE: z.string().optional(),
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be the primary\'s name as the sentinels know it (letters, digits, . _ -)').optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_DB: intBetween(0, 15).optional(),
  KUBECONFIG: z.string().optional(),
  DNSWHY_CLUSTER: clusterName.optional(),
  DNSWHY_APPROVERS: idList.default([]),
  DNSWHY_SCHEDULERS: idList.optional(),
  DNSWHY_LAB: z.string().optional(),
  DNSWHY_FORBID_SELF_APPROVAL: boolFlag.default(true),
  DNSWHY_PROPOSAL_TTL_SECONDS: intBetween(1, week).default(3600),
  DNSWHY_DEDUPE_WINDOW_SECONDS: intBetween(1, week).default(3600),
  DNSWHY_WORKER_CONCURRENCY: intBetween(1, 64).default(2),
  DNSWHY_CLUSTER_MAX_RUNNING: intBetween(1, 256).default(4),
  DNSWHY_MAX_DIAGNOSES_PER_USER: intBetween(1, 100).default(3),
  DNSWHY_DOCS_BASE_URL: z.url({ message: 'must be an http(s) URL under which the repository\'s files are browsed, e.g. https://github.com/ORG/dnswhy/blob/main/' }).optional(),
  DNSWHY_LOG_LEVEL: z.enum(logLevels).default('info'),
  DNSWHY_PROBE_IMAGE: imageRef.optional(),
  DNSWHY_PROBE_IMAGE_PULL_POLICY: z.enum(imagePullPolicies, { message: `must be one of ${imagePullPolicies.join(', ')}` }).optional(),
  DNSWHY_PROBE_PULL_SECRETS: nameList.default([]),
  DNSWHY_PROBE_NAMESPACE: namespaceName.optional(),
  DNSWHY_DIAGNOSE_ONLY: boolFlag.default(false),
  POD_NAME: objectName.optional(),
  POD_NAMESPACE: objectName.optional(),
});

/** Every environment variable the configuration reads (`.env.example` documents each one; a test holds them equal). */
export const configVariables: readonly string[] = Object.keys(envSchema.shape);

/** The validated, typed configuration. */
export interface Config {
  role: ServeRole;
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** 'socket' when an app token is set, else 'http'. */
    mode: 'socket' | 'http';
    port: number;
  };
  /** REDIS_URL; unset with Sentinel, and when neither is set (serve then starts a local redis-server). */
  redisUrl?: string;
  /** Where Redis is: a URL (with its TLS CA file) or Sentinel. Unset: start a local redis-server. */
  redis?: { url: string; tlsCaFile?: string } | { sentinels: { host: string; port: number }[]; sentinelName: string; password?: string; db?: number };
  /** /healthz and /readyz (0: a free port). */
  ops: { port: number; host: string };
  kubeconfig?: string;
  /** This worker's cluster name (queue `dnswhy-cluster-<name>`). */
  cluster: string;
  lab?: string;
  approvers: { users: string[]; groups: string[] };
  /** Who may schedule summaries into other channels; the approvers when unset. */
  schedulers?: { users: string[]; groups: string[] };
  forbidSelfApproval: boolean;
  proposalTtlSeconds: number;
  dedupeWindowSeconds: number;
  workerConcurrency: number;
  /** Jobs (diagnoses, summaries, fixes) the cluster runs at once across all its workers. */
  clusterMaxRunning: number;
  /** Diagnoses one Slack user may have queued or running at once. */
  maxDiagnosesPerUser: number;
  logLevel: (typeof logLevels)[number];
  /** Where report links to check documentation point (default: the project's repository). */
  docsBaseUrl?: string;
  /** Probe pods' image (unset: the worker's own image, read from its pod), pull policy and pull secrets. */
  probe: { image?: string; pullPolicy?: ImagePullPolicy; pullSecrets: string[] };
  /**
   * DNSWHY_PROBE_NAMESPACE: node-view and health probe pods run here; a twin runs here when the worker
   * may not create pods in the target's namespace. Unset: probe pods run in the target's namespace.
   */
  probeNamespace?: string;
  /** The worker has no patch role (the diagnose-only install): fixes are shown, never applied. */
  diagnoseOnly: boolean;
  /** The pod this process runs in (downward API), when in a cluster. */
  self?: { namespace: string; name: string };
}

/** User ids and user-group ids (S…) of a list. */
function splitIds(ids: string[]): { users: string[]; groups: string[] } {
  return { users: ids.filter((id) => !id.startsWith('S')), groups: ids.filter((id) => id.startsWith('S')) };
}

/** Thrown when the environment is invalid; `problems` names each variable and what is wrong with it. */
export class ConfigError extends DnswhyError {
  override readonly code = 'config-invalid';
  override readonly permanent = true;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n(see .env.example)`);
  }
}

type Env = z.infer<typeof envSchema>;

/** The Redis variables that do not go together. */
function redisProblems(e: Env): string[] {
  const out: string[] = [];
  if (e.REDIS_SENTINELS && e.REDIS_URL) out.push('REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS (with REDIS_SENTINEL_NAME), not both');
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) out.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the name in the sentinels\' `sentinel monitor NAME …`)');
  if (e.REDIS_SENTINEL_NAME && !e.REDIS_SENTINELS) out.push('REDIS_SENTINELS: required with REDIS_SENTINEL_NAME (host:port of each sentinel)');
  if (e.REDIS_TLS_CA_FILE && !e.REDIS_URL?.startsWith('rediss://')) out.push('REDIS_TLS_CA_FILE: only used with a rediss:// REDIS_URL (TLS); TLS through Sentinel is not supported');
  if ((e.REDIS_PASSWORD || e.REDIS_DB !== undefined) && !e.REDIS_SENTINELS) out.push(`${e.REDIS_PASSWORD ? 'REDIS_PASSWORD' : 'REDIS_DB'}: only used with REDIS_SENTINELS; with REDIS_URL put the password and database in the URL (redis://:PASSWORD@host:6379/DB)`);
  return out;
}

function redisTarget(e: Env): Pick<Config, 'redis'> {
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) {
    return { redis: { sentinels: e.REDIS_SENTINELS, sentinelName: e.REDIS_SENTINEL_NAME, ...(e.REDIS_PASSWORD ? { password: e.REDIS_PASSWORD } : {}), ...(e.REDIS_DB ? { db: e.REDIS_DB } : {}) } };
  }
  if (e.REDIS_URL) return { redis: { url: e.REDIS_URL, ...(e.REDIS_TLS_CA_FILE ? { tlsCaFile: e.REDIS_TLS_CA_FILE } : {}) } };
  return {};
}

/**
 * Replaces each `NAME_FILE` by `NAME` with the file's content. A variable set both ways, or a file
 * that cannot be read, is a problem named in the ConfigError.
 */
function readSecretFiles(env: Record<string, string>, read: ((path: string) => string) | undefined, problems: string[]): Record<string, string> {
  const out = { ...env };
  for (const name of secretVariables) {
    const path = env[`${name}_FILE`];
    if (path === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    if (!read) {
      problems.push(`${name}_FILE: secrets from files are read by \`dnswhy serve\` only`);
      continue;
    }
    try {
      const value = read(path).replace(/\r?\n$/, '');
      if (value === '') problems.push(`${name}_FILE: ${path} is empty`);
      else out[name] = value;
    } catch (err) {
      problems.push(`${name}_FILE: ${(err as Error).message}`);
    }
  }
  return out;
}

/**
 * Reads and validates the configuration for a role.
 * @param env - the environment (process.env)
 * @param role - app needs Slack credentials; worker needs a cluster (or a lab)
 * @param readSecretFile - reads a `NAME_FILE` secret (serve passes the size-limited file reader)
 */
export function loadConfig(env: Record<string, string | undefined>, role: ServeRole, readSecretFile?: (path: string) => string): Config {
  // Empty strings count as unset: `.env` files often carry `NAME=`.
  const fileProblems: string[] = [];
  const cleaned = readSecretFiles(Object.fromEntries(Object.entries(env).filter((x): x is [string, string] => x[1] !== undefined && x[1] !== '')), readSecretFile, fileProblems);
  if (fileProblems.length > 0) throw new ConfigError(fileProblems);
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const runsApp = role === 'app' || role === 'all';
  const runsWorker = role === 'worker' || role === 'all';
  if (runsApp) {
    if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required to post to Slack (xoxb-…)');
    if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
      problems.push('SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    }
  }
  problems.push(...redisProblems(e));
  if (runsWorker && e.DNSWHY_LAB === undefined && e.KUBECONFIG === undefined && env.KUBERNETES_SERVICE_HOST === undefined) {
    problems.push('KUBECONFIG: the worker needs cluster access: set KUBECONFIG, run in a cluster, or set DNSWHY_LAB to a scenario file');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    role,
    slack: {
      ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
      mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
      port: e.PORT,
    },
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    ...redisTarget(e),
    ops: { port: e.DNSWHY_OPS_PORT, host: e.DNSWHY_OPS_HOST },
    ...(e.KUBECONFIG ? { kubeconfig: e.KUBECONFIG } : {}),
    cluster: e.DNSWHY_CLUSTER ?? (e.DNSWHY_LAB ? 'lab' : 'default'),
    ...(e.DNSWHY_LAB ? { lab: e.DNSWHY_LAB } : {}),
    approvers: splitIds(e.DNSWHY_APPROVERS),
    ...(e.DNSWHY_SCHEDULERS ? { schedulers: splitIds(e.DNSWHY_SCHEDULERS) } : {}),
    forbidSelfApproval: e.DNSWHY_FORBID_SELF_APPROVAL,
    proposalTtlSeconds: e.DNSWHY_PROPOSAL_TTL_SECONDS,
    dedupeWindowSeconds: e.DNSWHY_DEDUPE_WINDOW_SECONDS,
    workerConcurrency: e.DNSWHY_WORKER_CONCURRENCY,
    clusterMaxRunning: e.DNSWHY_CLUSTER_MAX_RUNNING,
    maxDiagnosesPerUser: e.DNSWHY_MAX_DIAGNOSES_PER_USER,
    logLevel: e.DNSWHY_LOG_LEVEL,
    ...(e.DNSWHY_DOCS_BASE_URL ? { docsBaseUrl: e.DNSWHY_DOCS_BASE_URL } : {}),
    probe: {
      ...(e.DNSWHY_PROBE_IMAGE ? { image: e.DNSWHY_PROBE_IMAGE } : {}),
      ...(e.DNSWHY_PROBE_IMAGE_PULL_POLICY ? { pullPolicy: e.DNSWHY_PROBE_IMAGE_PULL_POLICY } : {}),
      pullSecrets: e.DNSWHY_PROBE_PULL_SECRETS,
    },
    ...(e.DNSWHY_PROBE_NAMESPACE ? { probeNamespace: e.DNSWHY_PROBE_NAMESPACE } : {}),
    diagnoseOnly: e.DNSWHY_DIAGNOSE_ONLY,
    ...(e.POD_NAME && e.POD_NAMESPACE ? { self: { namespace: e.POD_NAMESPACE, name: e.POD_NAME } } : {}),
  } satisfies Config) as Config;
}
