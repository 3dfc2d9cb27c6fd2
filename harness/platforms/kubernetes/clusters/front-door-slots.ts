// Front doors of a cluster: host ports published at creation (kind extraPortMappings, k3d -p), each
// forwarding to one NodePort. A cluster's port mappings are fixed once it exists, so a cluster shared
// by the run publishes one slot per cell that may run at once, and each cell holds one while it runs.
import { freePort } from '../../../util/free-port.ts';

export interface FrontDoorSlot {
  /** Inside the cluster: the nodePort a cell's Service must use. */
  nodePort: number;
  /** On 127.0.0.1 of this machine. */
  hostPort: number;
}

/**
 * Kubernetes' default NodePort range is 30000-32767. Since 1.29 (KEP-3668, Kubernetes docs: Service >
 * "Avoid NodePort collisions") automatic assignment prefers the upper band, leaving the bottom of the
 * range to Services that ask for a port, as the harness's do: so slots count up from the bottom.
 */
export const FIRST_NODE_PORT = 30000;
export const LAST_NODE_PORT = 32767;

/** `count` slots: node ports from the bottom of the range, each with a host port that is free now. */
export async function planSlots(count: number): Promise<FrontDoorSlot[]> {
  if (!Number.isInteger(count) || count < 1 || FIRST_NODE_PORT + count - 1 > LAST_NODE_PORT) {
    throw new RangeError(`cannot publish ${count} front doors: between 1 and ${LAST_NODE_PORT - FIRST_NODE_PORT + 1}`);
  }
  const slots: FrontDoorSlot[] = [];
  for (let i = 0; i < count; i++) slots.push({ nodePort: FIRST_NODE_PORT + i, hostPort: await freePort() });
  return slots;
}

/** Hands out a cluster's slots, never one to two holders at once. */
export class SlotPool {
  readonly #free: FrontDoorSlot[];
  readonly #all: readonly FrontDoorSlot[];
  /** Callers waiting for a slot, first come first served. */
  readonly #waiting: Array<(slot: FrontDoorSlot) => void> = [];

  constructor(slots: readonly FrontDoorSlot[]) {
    this.#all = [...slots];
    this.#free = [...slots];
  }

  get slots(): readonly FrontDoorSlot[] {
    return this.#all;
  }

  /** A free slot; waits for one to be given back when all are held (more cells than the concurrency said). */
  take(signal?: AbortSignal): Promise<FrontDoorSlot> {
    signal?.throwIfAborted();
    const free = this.#free.shift();
    if (free) return Promise.resolve(free);
    return new Promise<FrontDoorSlot>((resolve, reject) => {
      const onAbort = () => {
        // Leave the queue, so no slot is handed to a caller that gave up.
        this.#waiting.splice(this.#waiting.indexOf(handOver), 1);
        reject(signal?.reason);
      };
      const handOver = (slot: FrontDoorSlot) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(slot);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(handOver);
    });
  }

  /** Gives a slot back: to the longest waiting caller, or to the free list. */
  give(slot: FrontDoorSlot): void {
    if (!this.#all.includes(slot)) throw new Error(`slot ${slot.hostPort}->${slot.nodePort} is not one of this cluster's`);
    if (this.#free.includes(slot)) throw new Error(`slot ${slot.hostPort}->${slot.nodePort} was given back twice`);
    const next = this.#waiting.shift();
    if (next) next(slot);
    else this.#free.push(slot);
  }
}
