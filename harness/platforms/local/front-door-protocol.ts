// Messages between the harness (local-front-door.ts) and the front door's child process over IPC.

export interface MemberSpec {
  id: string;
  url: string;
  weight: number;
  /** The replica's version: named on the front door's own 502s so a dropped request is attributed. */
  version: string;
}

export type ControlRequest =
  | { type: 'setPool'; members: MemberSpec[] }
  | { type: 'upsert'; member: MemberSpec }
  | { type: 'drain'; id: string }
  | { type: 'remove'; id: string }
  | { type: 'status' }
  | { type: 'shutdown' };

export interface MemberStatus {
  id: string;
  url: string;
  weight: number;
  /** removed: gone from the pool, still finishing requests in flight. */
  state: 'active' | 'draining' | 'removed';
  healthy: boolean;
  inFlight: number;
}

export type ChildMessage =
  | { type: 'listening'; port: number }
  /** A member's readiness checks flipped it: out of the pool's choice (down) or back in (up). */
  | { type: 'health'; id: string; version: string; healthy: boolean }
  | { type: 'ack'; requestId: number; status?: MemberStatus[]; error?: string };

export type ParentMessage = { requestId: number } & ControlRequest;
