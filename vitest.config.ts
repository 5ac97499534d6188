import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', 'data/**', '.tmp/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts', 'tests/**/*.test.ts'],
          exclude: [...exclude, '**/*.unit.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real processes and browsers on two shared cores: a second for what is awaited is too short.
          expect: { poll: { timeout: 15_000 } },
          pool: 'forks',
        },
      },
    ],
  },
});
