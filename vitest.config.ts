import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/mongo-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Servers, sockets and child processes: keep files apart, and few at once on 2 cores.
          pool: 'forks',
          maxWorkers: 2,
          // Runs after the unit project (projects with different worker settings need their own group).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
