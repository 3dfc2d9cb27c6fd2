// The run's own health, sampled every 100 ms for as long as the run lasts: the sentinel's lateness
// (the machine pausing processes), the runner's event-loop delay, CPU-quota throttling of the
// run's cgroup, and the machine's CPU pressure and steal time (context). Cells read the ticks of
// their own span when they are judged.
import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { siblingModule } from '../util/sibling-module.ts';
import { cgroupThrottledUs, cpuPressureUs, cpuStealTicks } from './kernel-signals.ts';

export const TICK_MS = 100;

export interface HealthTick {
  /** End of the tick, on the monotonic clock of the traffic records. */
  atMs: number;
  /** Worst delay of the runner's event loop in the tick. */
  loopDelayMs: number;
  /** Time the run's cgroup was held back by its CPU quota in the tick. */
  throttledMs: number;
  /** Share of the tick some task of the machine waited for a CPU (PSI), where the kernel says. */
  pressureShare: number | null;
  /** Share of the machine's CPU time stolen by a hypervisor in the tick. */
  stealShare: number | null;
}

export interface SentinelReport {
  atMs: number;
  /** How late the sentinel woke at worst in the 100 ms before `atMs`. */
  lateMs: number;
}

export class HealthMonitor implements AsyncDisposable {
  readonly #ticks: HealthTick[] = [];
  readonly #sentinel: SentinelReport[] = [];
  readonly #loop: ReturnType<typeof monitorEventLoopDelay>;
  readonly #child: ChildProcess | null;
  readonly #timer: NodeJS.Timeout;
  #last: { throttledUs: number | null; pressureUs: number | null; steal: { steal: number; total: number } | null; atMs: number } | null = null;

  private constructor(child: ChildProcess | null) {
    this.#child = child;
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
    this.#timer = setInterval(() => void this.#tick(), TICK_MS);
    this.#timer.unref();
    if (child?.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const [epoch, late] = line.split(' ').map(Number);
        if (Number.isFinite(epoch) && Number.isFinite(late)) this.#sentinel.push({ atMs: epoch! - performance.timeOrigin, lateMs: late! });
      });
    }
  }

  /** Starts the sentinel (it inherits the run's labels from the environment, for gc) and the sampling. */
  static start(): HealthMonitor {
    let child: ChildProcess | null = null;
    try {
      child = spawn(process.execPath, [fileURLToPath(siblingModule(import.meta.url, 'sentinel-process'))], {
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      // Without a sentinel the other signals still judge; the summary says it was missing.
      child = null;
    }
    return new HealthMonitor(child);
  }

  async #tick(): Promise<void> {
    const atMs = performance.now();
    const [throttledUs, pressureUs, steal] = await Promise.all([cgroupThrottledUs(), cpuPressureUs(), cpuStealTicks()]);
    const loopDelayMs = this.#loop.max / 1e6;
    this.#loop.reset();
    const last = this.#last;
    this.#last = { throttledUs, pressureUs, steal, atMs };
    if (!last) return;
    const spanMs = Math.max(1, atMs - last.atMs);
    const delta = (now: number | null, before: number | null) => (now !== null && before !== null ? Math.max(0, now - before) : null);
    const stealDelta = steal && last.steal ? { steal: steal.steal - last.steal.steal, total: steal.total - last.steal.total } : null;
    this.#ticks.push({
      atMs,
      loopDelayMs,
      // cgroup v1 sums throttling over CPUs: more than the tick itself says nothing more.
      throttledMs: Math.min(spanMs, (delta(throttledUs, last.throttledUs) ?? 0) / 1000),
      pressureShare: pressureUs === null ? null : Math.min(1, (delta(pressureUs, last.pressureUs) ?? 0) / 1000 / spanMs),
      stealShare: stealDelta && stealDelta.total > 0 ? stealDelta.steal / stealDelta.total : null,
    });
  }

  get hasSentinel(): boolean {
    return this.#child !== null;
  }

  /** The ticks and sentinel reports whose end falls within [fromMs, toMs]. */
  between(fromMs: number, toMs: number): { ticks: HealthTick[]; sentinel: SentinelReport[] } {
    const inSpan = <T extends { atMs: number }>(items: T[]) => items.filter((item) => item.atMs >= fromMs && item.atMs <= toMs);
    return { ticks: inSpan(this.#ticks), sentinel: inSpan(this.#sentinel) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#timer);
    this.#loop.disable();
    if (this.#child && this.#child.exitCode === null) {
      const exited = new Promise((resolve) => this.#child!.once('exit', resolve));
      this.#child.stdin?.end();
      this.#child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    }
  }
}
