// Probe `endpoints`, native to Kubernetes: the Service's ready endpoints sampled at a fixed rate
// from the EndpointSlice watch. A sample is a request to the measurement pipeline: fewer ready
// endpoints than the minimum is a failure (`no-endpoints`), so outages, availability and the error
// budget come out of the same code as for HTTP traffic. Where no pod can serve (kwok), this is the
// cluster's own view of disruption; where pods do serve, it shows why the HTTP probes failed.
import { performance } from 'node:perf_hooks';
import { openLoop } from '../../traffic/open-loop.ts';
import { OUTCOME_OK, outcomeCode } from '../../traffic/outcome.ts';
import type { RunningProbe } from '../../traffic/probe.ts';
import { RecordStore } from '../../traffic/record-store.ts';
import type { ReadyEndpoint } from './namespace-watch.ts';

const NO_ENDPOINTS = outcomeCode('no-endpoints');

export interface EndpointsProbeOptions {
  /** Samples per second. */
  rate: number;
  minReady: number;
  readyEndpoints(): readonly ReadyEndpoint[];
}

export function startEndpointsProbe(options: EndpointsProbeOptions): RunningProbe {
  const records = new RecordStore();
  let failures = 0;
  let sample = 0;
  const loop = openLoop(options.rate, (scheduledMs) => {
    const sentMs = performance.now();
    const ready = options.readyEndpoints();
    const ok = ready.length >= options.minReady;
    if (!ok) failures++;
    // A Service spreads requests over its endpoints: a successful sample names the version of one
    // of them in turn, so failuresByVersion and the timeline show which versions were serving.
    const version = ok ? (ready[sample++ % ready.length]?.version ?? null) : null;
    records.push(scheduledMs, sentMs, 0, ok ? OUTCOME_OK : NO_ENDPOINTS, ready.length, version);
  });
  let stopped = false;
  const stop = async (): Promise<RecordStore> => {
    if (!stopped) loop.stop();
    stopped = true;
    return records;
  };
  return {
    name: 'endpoints',
    records,
    stats: () => ({ requests: records.length, failures, inFlight: 0 }),
    stop,
    [Symbol.asyncDispose]: async () => void (await stop()),
  };
}
