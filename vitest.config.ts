import { availableParallelism } from 'node:os';
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
    // In-process tests take a worker per core (two at least: on a 2-core machine vitest ran them one
    // file at a time); browsers, real server processes under load and the real-data runs come after,
    // one file at a time, so that none measures or times out under another's load.
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/cli/**/*.test.ts'], maxWorkers: Math.max(2, availableParallelism()) },
      },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'validation', include: ['test/validation/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
