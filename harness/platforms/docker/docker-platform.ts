import type { Platform } from '../platform.ts';

/**
 * Containers through testcontainers: per cell a private network, PostgreSQL, the app replicas and
 * HAProxy as the front door. Loaded on first use, so runs on other platforms never load docker code.
 */
export const dockerPlatform: Platform = {
  name: 'docker',
  async provision(cell, context) {
    const { provisionDockerEnvironment } = await import('./docker-environment.ts');
    return provisionDockerEnvironment(cell, context);
  },
};
