import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and SMTP integration tests start real servers; keep them from starving each other on 2 cores.
    maxWorkers: 2,
    // Test files of one worker share one module registry: each file importing the library (and MJML)
    // afresh cost more than a minute of the run. A file that mocks a module imports what uses it
    // after vi.resetModules (see test/send/plan-count.test.ts).
    isolate: false,
    // In CI a failed test runs once more and the report marks it "(retry x1)": a test that fails
    // twice still fails the run, but one starved browser on a loaded machine does not.
    retry: process.env.CI ? 1 : 0,
    // A machine-readable summary beside the usual output, for CI's closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-report.json' },
  },
});
