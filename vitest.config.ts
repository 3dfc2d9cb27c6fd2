import { configDefaults, defineConfig } from 'vitest/config';

// One test file at a time: nearly every suite runs real upgrades under timed traffic, and two of
// them side by side on two cores (a control plane with five cells, Chromium, containers) starve
// each other into failures that say nothing about the code. The heaviest run last.
const kubernetes = ['test/e2e/kubernetes-matrix.test.ts', 'test/e2e/kubernetes-never-ready.test.ts', 'test/integration/rig.test.ts', 'test/integration/sample-app-operator.test.ts', 'test/e2e/operator-matrix.test.ts', 'test/e2e/kubernetes-auto-rollback.test.ts'];
const browser = ['test/integration/browser-probe.test.ts', 'test/e2e/report-browser.test.ts'];

export default defineConfig({
  test: {
    // Integration tests start real databases, processes and upgrades: minutes, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...kubernetes, ...browser], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'browser', include: browser, fileParallelism: false, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'kubernetes', include: kubernetes, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
