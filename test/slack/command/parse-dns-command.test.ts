import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDnsCommand } from '../../../src/slack/command/parse-dns-command.js';

describe('parseDnsCommand', () => {
  it.each([
    ['why default/web-7d9 api.example.org', { kind: 'why', pod: 'default/web-7d9', name: 'api.example.org' }],
    ['why web-7d9 -n payments db.example.org:5432', { kind: 'why', pod: 'web-7d9', namespace: 'payments', name: 'db.example.org', port: 5432 }],
    ['why prod-eu/payments/api-7f9 s3.example.org', { kind: 'why', cluster: 'prod-eu', pod: 'payments/api-7f9', name: 's3.example.org' }],
    ['why deploy/api example.org.', { kind: 'why', pod: 'deploy/api', name: 'example.org.' }],
    ['  WHY   default/web   _srv._tcp.example.org ', { kind: 'why', pod: 'default/web', name: '_srv._tcp.example.org' }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['clusters', { kind: 'clusters' }],
    ['health', { kind: 'health' }],
    ['health prod-eu', { kind: 'health', cluster: 'prod-eu' }],
    ['schedule daily 9:05', { kind: 'schedule', pattern: '5 9 * * *' }],
    ['schedule daily 23:59 prod-eu', { kind: 'schedule', pattern: '59 23 * * *', cluster: 'prod-eu' }],
    ['schedule 0 9 * * 1-5', { kind: 'schedule', pattern: '0 9 * * 1-5' }],
    ['schedule 0 9 * * 1-5 prod-eu', { kind: 'schedule', pattern: '0 9 * * 1-5', cluster: 'prod-eu' }],
    ['schedule */2 * * * * * lab', { kind: 'schedule', pattern: '*/2 * * * * *', cluster: 'lab' }],
    ['unschedule', { kind: 'unschedule' }],
    ['unschedule lab', { kind: 'unschedule', cluster: 'lab' }],
    ['schedule daily 09:00 <#C0HEALTH|dns-health>', { kind: 'schedule', pattern: '0 9 * * *', channel: 'C0HEALTH' }],
    ['schedule 0 9 * * 1-5 #dns-health prod-eu', { kind: 'schedule', pattern: '0 9 * * 1-5', cluster: 'prod-eu', channel: '#dns-health' }],
    ['unschedule <#C0HEALTH>', { kind: 'unschedule', channel: 'C0HEALTH' }],
    ['unschedule lab #dns-health', { kind: 'unschedule', cluster: 'lab', channel: '#dns-health' }],
    ['schedules', { kind: 'schedules' }],
  ])('parses %j', (text, expected) => {
    expect(parseDnsCommand(text)).toEqual(expected);
  });

  it.each([
    ['why', 'needs a pod and a name'],
    ['why web', 'needs a pod and a name'],
    ['why a/b/c/d x.example.org', 'too many'],
    ['why Web x.example.org', 'not a pod reference'],
    ['why web bad..name', 'not a DNS name'],
    ['why web x.example.org:70000', 'out of range'],
    ['why web -n', 'needs a namespace'],
    ['frobnicate', 'unknown command'],
    ['clusters extra', 'takes no argument'],
    ['health Prod!', 'not a cluster name'],
    ['health a b', 'at most a cluster name'],
    ['schedule', 'no schedule given'],
    ['schedule daily 25:00', 'needs a time HH:MM'],
    ['schedule 99 9 * * *', 'is not a cron schedule'],
    ['schedule 0 9 * * * a b', 'too many words'],
    ['schedule daily 09:00 #a #b', 'at most one #channel'],
    ['unschedule lab prod #x', 'at most a cluster name and a #channel'],
    ['schedules now', 'takes no argument'],
  ])('explains the usage error in %j', (text, message) => {
    const r = parseDnsCommand(text);
    expect(r.kind).toBe('usage-error');
    expect(r.kind === 'usage-error' && r.message).toContain(message);
  });

  it('never throws on any input (fast-check)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const r = parseDnsCommand(s);
      expect(['help', 'clusters', 'health', 'schedule', 'schedules', 'unschedule', 'why', 'usage-error']).toContain(r.kind);
    }));
  });
});
