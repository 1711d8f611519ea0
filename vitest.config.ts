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
    testTimeout: 30000,
    hookTimeout: 60000,
  },
});
