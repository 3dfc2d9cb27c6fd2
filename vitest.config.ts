import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real databases, processes and upgrades: minutes, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make every upgrade under test slower and noisier.
    maxWorkers: 2,
  },
});
