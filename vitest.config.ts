import { defineConfig } from 'vitest/config';

/*
 * Projects: `fast` (unit, HTTP and command-line tests, in-process, no browser) is what `npm test`
 * runs; `browser` (Chromium, the HTML checker), `reliability` (real server processes killed and
 * loaded) and `validation` (real election data in ../shared/data) run in `npm run test:all` and
 * in .ci/run.
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/cli/**/*.test.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'] } },
      { extends: true, test: { name: 'validation', include: ['test/validation/**/*.test.ts'] } },
    ],
  },
});
