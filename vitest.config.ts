import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // The second reporter lists skipped tests with their reason (e.g. a tool missing from the PATH).
    reporters: ['default', './test/skipped-reporter.ts'],
  },
});
