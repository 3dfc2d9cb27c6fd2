/**
 * Resources the cells of one run share (a kind cluster with a namespace per cell). The first cell
 * that asks for a key creates it; everyone else awaits the same promise; all are disposed, newest
 * first, once the run's last cell is done. A creation that failed is not retried: every cell that
 * wanted it gets the same error, as they would from one broken cluster.
 */
export class SharedResources implements AsyncDisposable {
  readonly #created = new Map<string, Promise<AsyncDisposable>>();

  get<T extends AsyncDisposable>(key: string, create: () => Promise<T>): Promise<T> {
    let resource = this.#created.get(key);
    if (!resource) {
      resource = create();
      // A rejection is seen by whoever awaits it; here it only must not count as unhandled.
      resource.catch(() => undefined);
      this.#created.set(key, resource);
    }
    return resource as Promise<T>;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const errors: unknown[] = [];
    for (const resource of [...this.#created.values()].reverse()) {
      const settled = await resource.then((value) => value, () => null);
      if (!settled) continue;
      try {
        await settled[Symbol.asyncDispose]();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#created.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} shared resources of the run could not be removed`);
  }
}
