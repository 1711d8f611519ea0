import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileLimits, readTextFile } from '../src/files/read-text-file.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariables, ConfigError, loadConfig } from '../src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456', DNSWHY_LAB: 'scenarios/x.yaml' };

describe('loadConfig', () => {
  it('reads a complete environment', () => {
    const c = loadConfig({ ...base, DNSWHY_APPROVERS: 'U1AB, S2CD ,W3EF', PORT: '4000', DNSWHY_FORBID_SELF_APPROVAL: 'false', REDIS_URL: 'redis://127.0.0.1:6390' }, 'all');
    expect(c).toMatchObject({ slack: { mode: 'http', port: 4000 }, approvers: { users: ['U1AB', 'W3EF'], groups: ['S2CD'] }, forbidSelfApproval: false, cluster: 'lab', lab: 'scenarios/x.yaml', redisUrl: 'redis://127.0.0.1:6390' });
  });

  it('uses Socket Mode when an app token is set, and defaults sensibly', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: '' }, 'app');
    expect(c.slack.mode).toBe('socket');
    expect(c.forbidSelfApproval).toBe(true);
    expect(c.proposalTtlSeconds).toBe(3600);
    expect(c.cluster).toBe('default');
  });

  it('names every problem', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user', PORT: 'eighty', DNSWHY_APPROVERS: 'bob', DNSWHY_CLUSTER: 'Prod EU', REDIS_URL: 'localhost' }, 'all');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const v of ['SLACK_BOT_TOKEN', 'PORT', 'DNSWHY_APPROVERS', 'DNSWHY_CLUSTER', 'REDIS_URL']) expect(msg).toContain(v);
    }
  });

  it('asks for what each role needs', () => {
    expect(() => loadConfig({ DNSWHY_LAB: 'x' }, 'app')).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }, 'app')).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({}, 'worker')).toThrow(/KUBECONFIG/);
    expect(loadConfig({ KUBECONFIG: '/k' }, 'worker').kubeconfig).toBe('/k');
  });

  it('reads the probe image, its pull policy and secrets, diagnose-only and the worker\'s own pod', () => {
    const c = loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_IMAGE: 'registry.example.org/dnswhy/dnswhy@sha256:abc123', DNSWHY_PROBE_IMAGE_PULL_POLICY: 'Always', DNSWHY_PROBE_PULL_SECRETS: 'regcred, mirror-pull', DNSWHY_DIAGNOSE_ONLY: 'true', POD_NAME: 'dnswhy-worker-1', POD_NAMESPACE: 'dnswhy' }, 'worker');
    expect(c.probe).toEqual({ image: 'registry.example.org/dnswhy/dnswhy@sha256:abc123', pullPolicy: 'Always', pullSecrets: ['regcred', 'mirror-pull'] });
    expect(c.diagnoseOnly).toBe(true);
    expect(c.self).toEqual({ namespace: 'dnswhy', name: 'dnswhy-worker-1' });
    const d = loadConfig({ KUBECONFIG: '/k' }, 'worker');
    expect(d.probe).toEqual({ pullSecrets: [] });
    expect(d.diagnoseOnly).toBe(false);
    expect(d.self).toBeUndefined();
    expect(() => loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_IMAGE_PULL_POLICY: 'sometimes', DNSWHY_PROBE_PULL_SECRETS: 'Reg_Cred', DNSWHY_PROBE_IMAGE: 'my image' }, 'worker')).toThrow(
      /DNSWHY_PROBE_IMAGE: must be an image reference[\s\S]*DNSWHY_PROBE_IMAGE_PULL_POLICY: must be one of Always, IfNotPresent, Never[\s\S]*DNSWHY_PROBE_PULL_SECRETS\.0: must be a Kubernetes object name/,
    );
  });

  it('reads the probe namespace (a namespace name), unset by default and when empty', () => {
    expect(loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_NAMESPACE: 'dnswhy-probes' }, 'worker').probeNamespace).toBe('dnswhy-probes');
    expect(loadConfig({ KUBECONFIG: '/k' }, 'worker').probeNamespace).toBeUndefined();
    expect(loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_NAMESPACE: '' }, 'worker').probeNamespace).toBeUndefined();
    expect(() => loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_NAMESPACE: 'dnswhy.probes' }, 'worker')).toThrow(/DNSWHY_PROBE_NAMESPACE: must be a namespace name \(lower case letters, digits and "-"/);
    expect(() => loadConfig({ KUBECONFIG: '/k', DNSWHY_PROBE_NAMESPACE: 'p'.repeat(64) }, 'worker')).toThrow(/DNSWHY_PROBE_NAMESPACE: must be a namespace name of at most 63 characters/);
  });

  it('reads Redis as a URL with a TLS CA file, or as Sentinel, and refuses what does not go together', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'rediss://:pw@redis.internal:6380/2', REDIS_TLS_CA_FILE: '/etc/ca.pem' }, 'all').redis).toEqual({ url: 'rediss://:pw@redis.internal:6380/2', tlsCaFile: '/etc/ca.pem' });
    const s = loadConfig({ ...base, REDIS_SENTINELS: 'sentinel-0.redis:26379, 10.0.0.7:26380', REDIS_SENTINEL_NAME: 'dnswhy', REDIS_PASSWORD: 'pw', REDIS_DB: '3' }, 'all');
    expect(s.redis).toEqual({ sentinels: [{ host: 'sentinel-0.redis', port: 26379 }, { host: '10.0.0.7', port: 26380 }], sentinelName: 'dnswhy', password: 'pw', db: 3 });
    expect(s.redisUrl).toBeUndefined();
    expect(loadConfig(base, 'all').redis).toBeUndefined();
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env }, 'all');
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://x:6379' })).toContain('either REDIS_URL or REDIS_SENTINELS');
    expect(refused({ REDIS_SENTINELS: 'a:1' })).toContain('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS');
    expect(refused({ REDIS_SENTINEL_NAME: 'm' })).toContain('REDIS_SENTINELS: required with REDIS_SENTINEL_NAME');
    expect(refused({ REDIS_SENTINELS: 'sentinel-0', REDIS_SENTINEL_NAME: 'm' })).toContain('REDIS_SENTINELS.0: each entry must be host:port');
    expect(refused({ REDIS_URL: 'redis://x:6379', REDIS_TLS_CA_FILE: '/ca.pem' })).toContain('REDIS_TLS_CA_FILE: only used with a rediss:// REDIS_URL');
    expect(refused({ REDIS_URL: 'redis://x:6379', REDIS_PASSWORD: 'pw' })).toContain('put the password and database in the URL');
    expect(refused({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'm', REDIS_DB: '99' })).toContain('REDIS_DB: must be between 0 and 15');
  });

  it('.env.example documents exactly the variables the configuration reads', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...configVariables].sort());
  });
});

describe('secrets from files (NAME_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-secrets-'));
  const file = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const read = (path: string) => readTextFile(path, fileLimits.secret);

  it('reads each secret from its file, without the trailing newline, as a mounted Secret has it', () => {
    const c = loadConfig(
      { SLACK_BOT_TOKEN_FILE: file('bot', 'xoxb-from-file\n'), SLACK_SIGNING_SECRET_FILE: file('sign', 'signing-secret-from-file'), REDIS_URL_FILE: file('redis', 'redis://:pw@redis:6379/2\n'), DNSWHY_LAB: 'scenarios/x.yaml' },
      'all',
      read,
    );
    expect(c.slack).toMatchObject({ botToken: 'xoxb-from-file', signingSecret: 'signing-secret-from-file', mode: 'http' });
    expect(c.redisUrl).toBe('redis://:pw@redis:6379/2');
  });

  it('validates what the file holds like the variable, and names a missing or empty file, or both ways set', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ DNSWHY_LAB: 'scenarios/x.yaml', ...env }, 'all', read);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    expect(problems({ SLACK_BOT_TOKEN_FILE: file('user', 'xoxp-user-token\n'), SLACK_SIGNING_SECRET: 'secret-123456' })).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(problems({ SLACK_BOT_TOKEN_FILE: join(dir, 'absent'), SLACK_SIGNING_SECRET: 'secret-123456' })).toMatch(/SLACK_BOT_TOKEN_FILE: .*absent/);
    expect(problems({ SLACK_BOT_TOKEN_FILE: file('empty', '\n'), SLACK_SIGNING_SECRET: 'secret-123456' })).toMatch(/SLACK_BOT_TOKEN_FILE: .*empty is empty/);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_BOT_TOKEN_FILE: file('bot2', 'xoxb-2'), SLACK_SIGNING_SECRET: 'secret-123456' })).toContain('SLACK_BOT_TOKEN_FILE: set either SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FILE, not both');
  });
});
