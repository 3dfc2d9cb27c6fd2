import { configDefaults, defineConfig } from 'vitest/config';

// The heaviest suites run after the rest, one file at a time: a control plane with five cells, or
// Chromium driving pages, beside other suites on two cores starves everything that measures time.
const kubernetes = ['test/e2e/kubernetes-matrix.test.ts', 'test/e2e/kubernetes-never-ready.test.ts', 'test/integration/rig.test.ts'];
const browser = ['test/integration/browser-probe.test.ts', 'test/e2e/report-browser.test.ts'];

export default defineConfig({
  test: {
    // Integration tests start real databases, processes and upgrades: minutes, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make every upgrade under test slower and noisier.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...kubernetes, ...browser], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'browser', include: browser, fileParallelism: false, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'kubernetes', include: kubernetes, fileParallelism: false, sequence: { groupOrder: 2 } } },
    ],
  },
});
