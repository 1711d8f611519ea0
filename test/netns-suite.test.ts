/** The decision whether a vitest run includes the netns suite (test/netns-suite.ts). */
import { describe, expect, it } from 'vitest';
import { netnsExclusion, netnsTests } from './netns-suite.js';

describe('netns suite inclusion', () => {
  const unavailable = () => ({ problem: 'unshare -r failed' });
  const available = () => ({ flags: ['-m'] });

  it('leaves the netns files out where namespaces are not possible, and says why in one line', () => {
    const said: string[] = [];
    expect(netnsExclusion({}, unavailable, (l) => said.push(l))).toEqual([netnsTests]);
    expect(said).toEqual([expect.stringMatching(/^netns suite not run: unshare -r failed/)]);
  });

  it('runs them where namespaces work, and always with DNSWHY_NETNS_REQUIRED=1 (they then fail)', () => {
    const said: string[] = [];
    expect(netnsExclusion({}, available, (l) => said.push(l))).toEqual([]);
    expect(netnsExclusion({ DNSWHY_NETNS_REQUIRED: '1' }, unavailable, (l) => said.push(l))).toEqual([]);
    expect(said).toEqual([]);
  });
});
