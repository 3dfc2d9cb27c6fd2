import type { PlatformName } from '../matrix/cell.ts';
import { dockerPlatform } from './docker/docker-platform.ts';
import { existingClusterPlatform, k3dPlatform, kindPlatform } from './kubernetes/kubernetes-platform.ts';
import { localPlatform } from './local/local-platform.ts';
import type { Platform } from './platform.ts';
import { vmPlatform } from './vm/vm-platform.ts';

const platforms: Record<PlatformName, Platform> = {
  local: localPlatform,
  docker: dockerPlatform,
  kind: kindPlatform,
  k3d: k3dPlatform,
  kubernetes: existingClusterPlatform,
  vm: vmPlatform,
};

export function platformFor(name: PlatformName): Platform {
  return platforms[name];
}
