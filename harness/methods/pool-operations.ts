import type { ReplicaPoolEnvironment, Replica } from '../platforms/platform.ts';
import type { Deployment, MethodContext } from './upgrade-method.ts';

/** Starts `count` replicas of a version at once and waits until each is ready. */
export async function startReplicas(env: ReplicaPoolEnvironment, version: string, count: number, context: MethodContext): Promise<Replica[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => env.startReplica(version, context.signal)));
  const replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // Do not leave half a pool running: the caller never learns of these replicas otherwise.
    await Promise.all(replicas.map((replica) => replica.stop()));
    throw failed.reason;
  }
  for (const replica of replicas) context.event(`replica ${replica.id} (${version}) ready`);
  return replicas;
}

/**
 * Takes replicas out of service the way an orchestrator does: they leave the pool (no new
 * requests) and get SIGTERM at the same moment, so requests still in flight must be finished by
 * the app's own graceful shutdown - an app that drops them shows failures, as it would in production.
 */
export async function retire(deployment: Deployment, replicas: Replica[], context: MethodContext): Promise<void> {
  for (const replica of replicas) await deployment.env.frontDoor.drain(replica.id);
  context.event(`drained ${names(replicas)}; stopping`);
  await Promise.all(replicas.map((replica) => replica.stop()));
  for (const replica of replicas) await deployment.env.frontDoor.remove(replica.id);
  context.event(`stopped ${names(replicas)}`);
}

/** Puts ready replicas into the pool at equal weight. */
export async function admit(deployment: Deployment, replicas: Replica[], context: MethodContext): Promise<void> {
  for (const replica of replicas) await deployment.env.frontDoor.upsert({ replica, weight: 1 });
  context.event(`${names(replicas)} in service`);
}

export const names = (replicas: Replica[]): string => replicas.map((r) => `${r.id} (${r.version})`).join(', ');
