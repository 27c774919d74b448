import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import the packages' TypeScript sources directly, so a test run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@tsmq/codec': pkg('codec'),
      '@tsmq/selector': pkg('selector'),
      '@tsmq/config': pkg('config'),
      '@tsmq/broker': pkg('broker'),
      '@tsmq/client': pkg('client'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
