import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds dist/ResyncGlb first: the bundle the integration tests and the lab DXA run (test/support/build.global.ts).
    globalSetup: ['test/support/build.global.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          // Suites share CPU with real lab DXA processes; run files one at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
