import { GenericContainer } from 'testcontainers';

export const LOOPBACK = '127.0.0.1';

/**
 * A GenericContainer whose published ports bind to 127.0.0.1 only: testcontainers binds them to
 * every interface (0.0.0.0), which would expose the app under test to the network.
 */
export class LoopbackContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const binding of bindings) binding.HostIp = LOOPBACK;
    }
  }
}
