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

  it('.env.example documents exactly the variables the configuration reads', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...configVariables].sort());
  });
});
