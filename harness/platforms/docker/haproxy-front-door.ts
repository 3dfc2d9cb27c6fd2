// The docker platform's FrontDoor: HAProxy driven through its runtime API.
//
// setPool is the atomic switch of blue-green: the new pool is built in the idle backend (slots
// filled, forced up), then one `set map` command routes every later request to it. Requests
// already on the old pool finish there; old slots go to maintenance and are freed.
// upsert/drain/remove change single slots of the active backend; drain is HAProxy's `drain` state
// (no new requests, in-flight ones finish), remove is `maint` and frees the slot.
// Every filled slot has its replica's version in HAProxy's version map (see haproxy-config.ts), so
// the errors HAProxy answers itself name the version of the replica that failed the request.
import { InfrastructureError } from '../../errors.ts';
import type { FrontDoor, PoolMember, Replica } from '../platform.ts';
import { BACKENDS, POOL_MAP_KEY, POOL_MAP_PATH, slotName, VERSION_MAP_PATH, versionMapKey, type BackendName } from './haproxy-config.ts';
import { parseServersState, type HaproxyRuntimeApi, type ServerState } from './haproxy-runtime-api.ts';

/** Where HAProxy reaches a replica on the cell network (its url is the host-published one). */
export interface NetworkAddressed {
  readonly networkAddress: { ip: string; port: number };
}

const MAX_WEIGHT = 256;

interface Entry {
  member: PoolMember;
  slot: string;
  draining: boolean;
}

export class HaproxyFrontDoor implements FrontDoor {
  private readonly api: HaproxyRuntimeApi;
  private active: BackendName = BACKENDS[0];
  private entries = new Map<string, Entry>();
  private readonly free: Record<BackendName, string[]>;
  /** Changes run one after another: two interleaved pool edits would fight over slots. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(api: HaproxyRuntimeApi, slots: number) {
    this.api = api;
    const all = () => Array.from({ length: slots }, (_, index) => slotName(index)).reverse();
    this.free = { pool_a: all(), pool_b: all() };
  }

  setPool(members: PoolMember[]): Promise<void> {
    return this.serially(async () => {
      const target: BackendName = this.active === 'pool_a' ? 'pool_b' : 'pool_a';
      const weights = scaledWeights(members.map((member) => member.weight));
      const next = new Map<string, Entry>();
      for (const [index, member] of members.entries()) {
        const slot = this.takeSlot(target);
        next.set(member.replica.id, { member: { ...member }, slot, draining: false });
        await this.fill(target, slot, member.replica, weights[index]!);
      }
      await this.expectRunning(target, [...next.values()].filter((entry) => entry.member.weight > 0).map((entry) => entry.slot));
      await this.api.change(`set map ${POOL_MAP_PATH} ${POOL_MAP_KEY} ${target}`);
      const previous = this.active;
      for (const entry of this.entries.values()) await this.release(previous, entry.slot);
      this.active = target;
      this.entries = next;
    });
  }

  upsert(member: PoolMember): Promise<void> {
    return this.serially(async () => {
      const weight = scaledWeights([member.weight])[0]!;
      const existing = this.entries.get(member.replica.id);
      if (existing && existing.member.replica === member.replica) {
        await this.api.change(`set server ${this.active}/${existing.slot} weight ${weight}`);
        await this.api.change(`set server ${this.active}/${existing.slot} state ${weight > 0 ? 'ready' : 'drain'}`);
        this.entries.set(member.replica.id, { member: { ...member }, slot: existing.slot, draining: false });
        return;
      }
      if (existing) await this.release(this.active, existing.slot);
      const slot = this.takeSlot(this.active);
      this.entries.set(member.replica.id, { member: { ...member }, slot, draining: false });
      await this.fill(this.active, slot, member.replica, weight);
    });
  }

  drain(replicaId: string): Promise<void> {
    return this.serially(async () => {
      const entry = this.entries.get(replicaId);
      if (!entry) return;
      await this.api.change(`set server ${this.active}/${entry.slot} state drain`);
      entry.draining = true;
    });
  }

  remove(replicaId: string): Promise<void> {
    return this.serially(async () => {
      const entry = this.entries.get(replicaId);
      if (!entry) return;
      this.entries.delete(replicaId);
      await this.release(this.active, entry.slot);
    });
  }

  /** Members of the active pool; a draining one shows weight 0 (it takes no new requests). */
  members(): PoolMember[] {
    return [...this.entries.values()].map(({ member, draining }) => ({ replica: member.replica, weight: draining ? 0 : member.weight }));
  }

  /** HAProxy's own view of the active backend's slots in use. */
  async serverStates(): Promise<ServerState[]> {
    const used = new Set([...this.entries.values()].map((entry) => entry.slot));
    return parseServersState(await this.api.send(`show servers state ${this.active}`)).filter((state) => used.has(state.server));
  }

  get activeBackend(): BackendName {
    return this.active;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private takeSlot(backend: BackendName): string {
    const slot = this.free[backend].pop();
    if (!slot) {
      throw new InfrastructureError(`HAProxy backend ${backend} has no free server slot`, {
        code: 'FRONT_DOOR_FULL',
        hint: 'the environment sizes its slots from the cell replicas; a method that runs more replicas at once needs more',
      });
    }
    return slot;
  }

  /** Points a slot at a replica, forces its health up (the replica was ready when started) and enables it. */
  private async fill(backend: BackendName, slot: string, replica: Replica, weight: number): Promise<void> {
    const { ip, port } = networkAddress(replica);
    const server = `${backend}/${slot}`;
    // The version first: no request reaches the replica before its failures can be attributed.
    await this.forgetVersion(backend, slot);
    await this.api.change(`add map ${VERSION_MAP_PATH} ${versionMapKey(backend, slot)} ${replica.version}`);
    await this.api.change(`set server ${server} addr ${ip} port ${port}`);
    await this.api.change(`set server ${server} weight ${weight}`);
    await this.api.change(`set server ${server} health up`);
    await this.api.change(`set server ${server} state ${weight > 0 ? 'ready' : 'drain'}`);
  }

  private async release(backend: BackendName, slot: string): Promise<void> {
    await this.api.change(`set server ${backend}/${slot} state maint`);
    await this.forgetVersion(backend, slot);
    this.free[backend].push(slot);
  }

  /** Removes a slot's version entry; `add map` would otherwise keep a stale one beside the new. */
  private async forgetVersion(backend: BackendName, slot: string): Promise<void> {
    const command = `del map ${VERSION_MAP_PATH} ${versionMapKey(backend, slot)}`;
    const answer = (await this.api.send(command)).trim();
    if (answer !== '' && answer !== 'Key not found.') {
      throw new InfrastructureError(`HAProxy refused "${command}": ${answer}`, { code: 'HAPROXY_REFUSED' });
    }
  }

  private async expectRunning(backend: BackendName, slots: string[]): Promise<void> {
    if (slots.length === 0) return;
    const states = parseServersState(await this.api.send(`show servers state ${backend}`));
    const down = slots.filter((slot) => states.find((state) => state.server === slot)?.operational !== 2);
    if (down.length > 0) {
      throw new InfrastructureError(`HAProxy reports ${down.map((slot) => `${backend}/${slot}`).join(', ')} not running after enabling them`, { code: 'FRONT_DOOR_SWITCH' });
    }
  }
}

function networkAddress(replica: Replica): { ip: string; port: number } {
  const address = (replica as Partial<NetworkAddressed>).networkAddress;
  if (!address) throw new InfrastructureError(`replica ${replica.id} was not started by the docker platform: HAProxy cannot reach it`, { code: 'FRONT_DOOR_INVALID' });
  return address;
}

/** HAProxy weights are whole numbers 0..256: scale down proportionally, never turning a positive weight into 0. */
export function scaledWeights(weights: number[]): number[] {
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) throw new InfrastructureError(`front door: weight ${weight} is not a finite number >= 0`, { code: 'FRONT_DOOR_INVALID' });
  }
  const max = Math.max(0, ...weights);
  const factor = max > MAX_WEIGHT ? MAX_WEIGHT / max : 1;
  return weights.map((weight) => (weight === 0 ? 0 : Math.max(1, Math.round(weight * factor))));
}
