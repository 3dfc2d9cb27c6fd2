// The objects of one kind in a namespace, followed with an informer (list, then watch from its
// resourceVersion: client-go's pattern, as client-node implements it). A watch that ends or fails
// is started again; waits re-check their condition on every change instead of polling.
import * as k8s from '@kubernetes/client-node';
import { AbortedError, WaitTimeoutError } from '../../errors.ts';

const RESTART_DELAY_MS = 500;

export type Change<T> = { verb: 'add' | 'update' | 'delete'; object: T };

export class WatchedObjects<T extends k8s.KubernetesObject> implements AsyncDisposable {
  readonly #informer: k8s.Informer<T> & k8s.ObjectCache<T>;
  readonly #listeners = new Set<(change: Change<T>) => void>();
  #stopped = false;

  private constructor(informer: k8s.Informer<T> & k8s.ObjectCache<T>) {
    this.#informer = informer;
  }

  /** Lists, then watches; resolves once the first list is in the cache. */
  static async start<T extends k8s.KubernetesObject>(config: k8s.KubeConfig, path: string, list: k8s.ListPromise<T>, labelSelector?: string): Promise<WatchedObjects<T>> {
    const watched = new WatchedObjects<T>(k8s.makeInformer(config, path, list, labelSelector));
    const informer = watched.#informer;
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (object) => {
        for (const listener of watched.#listeners) listener({ verb, object });
      });
    }
    informer.on('error', () => {
      if (watched.#stopped) return;
      setTimeout(() => {
        if (!watched.#stopped) informer.start().catch(() => undefined);
      }, RESTART_DELAY_MS).unref();
    });
    await informer.start();
    return watched;
  }

  list(): readonly T[] {
    return this.#informer.list();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#informer.get(name, namespace);
  }

  /** Calls `listener` on every change from now on; returns the unsubscribe. */
  onChange(listener: (change: Change<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Resolves with the condition's value once it is truthy over the cached objects, checked now and
   * after every change. On timeout the error quotes `lastEvents` (what the cluster said meanwhile).
   */
  until<R>(condition: (objects: readonly T[]) => R | undefined | null | false, options: UntilOptions): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let unsubscribe: () => void = () => undefined;
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        options.signal.removeEventListener('abort', onAbort);
        settle();
      };
      const check = () => {
        let value: R | undefined | null | false;
        try {
          value = condition(this.list());
        } catch (error) {
          finish(() => reject(error));
          return;
        }
        if (value) finish(() => resolve(value as R));
      };
      const onAbort = () => finish(() => reject(new AbortedError(`stopped waiting for ${options.what}`)));
      const timer = setTimeout(() => finish(() => reject(new WaitTimeoutError(options.what, options.timeoutMs, options.lastEvents?.() ?? []))), options.timeoutMs);
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      unsubscribe = this.onChange(check);
      check();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopped = true;
    this.#listeners.clear();
    await this.#informer.stop();
  }
}

export interface UntilOptions {
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** The last lines of what the cluster said (events), for the timeout's message. */
  lastEvents?: () => string[];
}
