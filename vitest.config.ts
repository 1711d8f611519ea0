import { configDefaults, defineConfig } from 'vitest/config';
import installMissingPackages from './test/global-setup.js';
import { netnsExclusion } from './test/netns-suite.js';

// The Debian packages first: whether the netns suite can run depends on them (nft, unshare, ...).
installMissingPackages();

export default defineConfig({
  test: {
    // Without `include`, vitest would also pick up compiled tests under dist/.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...netnsExclusion()],
    pool: 'forks',
    // Two test files at a time. Vitest's default on a 2-core machine is one (cores - 1), and most of
    // the suite waits on timers and sockets (labs, probes, Redis, Slack emulators) rather than
    // computing: one file at a time left a core idle and took 26 minutes in CI under load.
    maxWorkers: 2,
    testTimeout: 30000,
    hookTimeout: 60000,
  },
});
