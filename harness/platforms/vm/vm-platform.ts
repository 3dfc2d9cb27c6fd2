// Platform vm: each cell gets machines (container hosts, a QEMU VM, or hosts over SSH) and the
// app as a Linux package, upgraded with apt by the cell's method.
import { InfrastructureError } from '../../errors.ts';
import type { Platform } from '../platform.ts';

export const vmPlatform: Platform = {
  name: 'vm',
  async preflight(cells) {
    if (cells.some((cell) => cell.vm?.kind === 'container-host' || (cell.vm?.kind === 'ssh' && cell.vm.ssh && 'startHosts' in cell.vm.ssh))) {
      const { dockerUnavailableReason } = await import('../docker/docker-runtime.ts');
      const reason = await dockerUnavailableReason();
      if (reason) throw new InfrastructureError(`container hosts need Docker: ${reason}`, { code: 'DOCKER_UNAVAILABLE', hint: 'start dockerd, then `npx upgrade-harness images build`' });
    }
  },
  async provision(cell, context) {
    const { provisionVmEnvironment } = await import('./vm-environment.ts');
    return provisionVmEnvironment(cell, context);
  },
};
