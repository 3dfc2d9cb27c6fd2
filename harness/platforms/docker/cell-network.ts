import { randomUUID } from 'node:crypto';
import { StartedNetwork } from 'testcontainers';
import { dockerClient } from './docker-runtime.ts';

/**
 * A private bridge network for one cell, labelled like its containers (testcontainers' Network
 * takes no labels, so it is created through the runtime client and wrapped).
 */
export async function startCellNetwork(labels: Record<string, string>): Promise<StartedNetwork> {
  const client = await dockerClient();
  const name = `upgrade-harness-${randomUUID().slice(0, 12)}`;
  const network = await client.network.create({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels });
  return new StartedNetwork(client, name, network);
}
