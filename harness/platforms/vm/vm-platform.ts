// Platform vm: each cell gets machines (container hosts, a QEMU VM, or hosts over SSH) and the
// app as a Linux package, upgraded with apt by the cell's method.
import { InfrastructureError } from '../../errors.ts';
import type { Cell } from '../../matrix/cell.ts';
import { runTool } from '../../tools/run-tool.ts';
import type { Platform } from '../platform.ts';

const usesContainerHosts = (cell: Cell) => cell.vm?.kind === 'container-host' || (cell.vm?.kind === 'ssh' && cell.vm.ssh !== undefined && 'startHosts' in cell.vm.ssh);

export const vmPlatform: Platform = {
  name: 'vm',
  async preflight(cells) {
    await runTool('dpkg-deb', ['--version'], { installHint: 'apt-get install -y dpkg (packages are built on this machine)', timeoutMs: 10_000 });
    if (cells.some(usesContainerHosts)) {
      const { dockerUnavailableReason } = await import('../docker/docker-runtime.ts');
      const { inspectImage } = await import('../../tools/docker-cli.ts');
      const { CONTAINER_HOST_IMAGE } = await import('./machines/container-host.ts');
      const reason = await dockerUnavailableReason();
      if (reason) throw new InfrastructureError(`container hosts need Docker: ${reason}`, { code: 'DOCKER_UNAVAILABLE', hint: 'start dockerd, then `npx upgrade-harness images build`' });
      if (!(await inspectImage(CONTAINER_HOST_IMAGE))) throw new InfrastructureError(`the container-host image ${CONTAINER_HOST_IMAGE} is not built`, { code: 'IMAGE_MISSING', hint: 'run `npx upgrade-harness images build`' });
    }
    if (cells.some((cell) => cell.vm?.kind === 'qemu')) {
      const { QEMU_INSTALL_HINT } = await import('./machines/qemu-machine.ts');
      const { qemuImageStatus } = await import('./machines/qemu-image.ts');
      await runTool('qemu-system-x86_64', ['--version'], { installHint: QEMU_INSTALL_HINT, timeoutMs: 10_000 });
      await runTool('qemu-img', ['--version'], { installHint: QEMU_INSTALL_HINT, timeoutMs: 10_000 });
      const image = await qemuImageStatus();
      if (!image.built) throw new InfrastructureError(`the QEMU machine image is not built (${image.dir})`, { code: 'IMAGE_MISSING', hint: 'run `npx upgrade-harness images build` (as root: debootstrap)' });
    }
  },
  async provision(cell, context) {
    const { provisionVmEnvironment } = await import('./vm-environment.ts');
    return provisionVmEnvironment(cell, context);
  },
};
