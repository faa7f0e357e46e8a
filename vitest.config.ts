import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/{workflow,api,e2e,replay,ops}/**/*.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          pool: 'forks',
          // Runs after the unit tests, with its own worker limit: each file hosts a Temporal worker.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          // Sized for a busy 2-core machine: tests wait on conditions, and these only bound a hang.
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          pool: 'forks',
          // Last and alone: chromium's CPU must not starve the other files' workers on a 2-core machine.
          sequence: { groupOrder: 2 },
          maxWorkers: 1,
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
