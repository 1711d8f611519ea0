/**
 * Configuration of `dnswhy serve`, read once from the environment and validated with zod at start,
 * so a missing token or a malformed approver list is reported by name before anything connects.
 * Every variable is listed, with a comment, in `.env.example`.
 */
import { z } from 'zod';
import { clusterNameRule, isValidClusterName } from './core/input/cluster-name.js';
import { DnswhyError } from './core/errors.js';

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

/** A whole number in [min, max]; the message names the range rather than zod's comparison. */
const intBetween = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

/** Proposals and the post ledger are kept a week: longer windows would outlive what they refer to. */
const week = 7 * 24 * 3600;

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'looks too short to be a signing secret').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_API_URL: z.url({ message: 'must be a URL such as http://127.0.0.1:4000/api/' }).optional(),
  PORT: intBetween(1, 65535).default(3000),
  DNSWHY_OPS_PORT: intBetween(0, 65535).default(9090),
  DNSWHY_OPS_HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
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
  redisUrl?: string;
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

/**
 * Reads and validates the configuration for a role.
 * @param env - the environment (process.env)
 * @param role - app needs Slack credentials; worker needs a cluster (or a lab)
 */
export function loadConfig(env: Record<string, string | undefined>, role: ServeRole): Config {
  // Empty strings count as unset: `.env` files often carry `NAME=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
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
  } satisfies Config) as Config;
}
