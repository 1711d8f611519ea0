import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Without `include`, vitest would also pick up compiled tests under dist/.
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 60000,
    globalSetup: ['test/global-setup.ts'],
  },
});
