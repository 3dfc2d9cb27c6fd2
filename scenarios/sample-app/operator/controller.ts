// The controller loop: informers on SampleApps and on the Jobs, Deployments and StatefulSets it
// made (a change to one enqueues the SampleApp that controls it), a serial queue that coalesces
// duplicates, and one reconcile pass per name: read the SampleApp and its objects from the API
// server (not from the informers' caches, so no decision rests on a cache that has not yet seen
// the last action), decide (reconcile.ts), act, post the step's events, write the status.
import * as k8s from '@kubernetes/client-node';
import { decide, observeDeployment, observeJob, observeOlderPods, observeService, observeStatefulSet, type Decision, type ReconcileInput } from './reconcile.ts';
import { eventsFor, postEvent } from './events.ts';
import {
  appDeployment,
  appService,
  controllingSampleApp,
  DATABASE_NAME,
  DATABASE_SECRET,
  databaseSecret,
  databaseService,
  databaseStatefulSet,
  jobName,
  MANAGED_BY_LABEL,
  migrationJob,
  NAME_LABEL,
  newPassword,
  ownerOf,
  type Owner,
} from './objects.ts';
import { nextStatus, sameStatus } from './status.ts';
import { GROUP, OPERATOR_NAME, PLURAL, resolveSpec, VERSION, type ResolvedSpec, type SampleApp, type SampleAppStatus } from './types.ts';

const INFORMER_RESTART_MS = 1_000;
const RESYNC_MS = 30_000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface ControllerOptions {
  namespace: string;
  stops: readonly string[];
  /** One line per action taken (stdout). */
  log: (line: string) => void;
  /** Problems: API errors, watch restarts (stderr). */
  warn: (line: string) => void;
}

interface Watched {
  what: string;
  informer: k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;
  listed: Promise<void>;
}

export class Controller {
  readonly #options: ControllerOptions;
  readonly #core: k8s.CoreV1Api;
  readonly #apps: k8s.AppsV1Api;
  readonly #batch: k8s.BatchV1Api;
  readonly #custom: k8s.CustomObjectsApi;
  readonly #objects: k8s.KubernetesObjectApi;
  readonly #config: k8s.KubeConfig;
  readonly #watched: Watched[] = [];
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #retries = new Map<string, number>();
  /** The last line said about each SampleApp (waits, refusals and failures are said once). */
  readonly #said = new Map<string, string>();
  #resync: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  constructor(config: k8s.KubeConfig, options: ControllerOptions) {
    this.#config = config;
    this.#options = options;
    this.#core = config.makeApiClient(k8s.CoreV1Api);
    this.#apps = config.makeApiClient(k8s.AppsV1Api);
    this.#batch = config.makeApiClient(k8s.BatchV1Api);
    this.#custom = config.makeApiClient(k8s.CustomObjectsApi);
    this.#objects = k8s.KubernetesObjectApi.makeApiClient(config);
  }

  /** Starts the informers; resolves once each has listed (then every SampleApp has been queued). */
  async start(): Promise<void> {
    const namespace = this.#options.namespace;
    const managed = `${MANAGED_BY_LABEL}=${OPERATOR_NAME}`;
    this.#watch('SampleApps', `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`, () => this.#custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }), undefined, (object) => object.metadata?.name);
    this.#watch('Jobs', `/apis/batch/v1/namespaces/${namespace}/jobs`, () => this.#batch.listNamespacedJob({ namespace, labelSelector: managed }), managed, controllingSampleApp);
    this.#watch('Deployments', `/apis/apps/v1/namespaces/${namespace}/deployments`, () => this.#apps.listNamespacedDeployment({ namespace, labelSelector: managed }), managed, controllingSampleApp);
    // The app's pods: a terminating pod's exit changes no Deployment, yet the post-deployment migration waits for it.
    this.#watch('Pods', `/api/v1/namespaces/${namespace}/pods`, () => this.#core.listNamespacedPod({ namespace, labelSelector: NAME_LABEL }), NAME_LABEL, (object) => object.metadata?.labels?.[NAME_LABEL]);
    this.#watch('StatefulSets', `/apis/apps/v1/namespaces/${namespace}/statefulsets`, () => this.#apps.listNamespacedStatefulSet({ namespace, labelSelector: managed }), managed, controllingSampleApp);
    await Promise.all(this.#watched.map((watched) => watched.listed));
    if (this.#stopped) return;
    this.#started = true;
    this.#resync = setInterval(() => this.#enqueueAll(), RESYNC_MS);
    this.#enqueueAll();
  }

  /** Stops the informers and the queue; a pass under way is left to finish or be cut off by exit. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#resync);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled(this.#watched.map((watched) => watched.informer.stop()));
  }

  /** The pass under way, if any (for a shutdown that gives it a moment). */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  #watch(what: string, path: string, list: () => Promise<unknown>, labelSelector: string | undefined, owner: (object: k8s.KubernetesObject) => string | undefined): void {
    let markListed: () => void = () => undefined;
    const listed = new Promise<void>((resolve) => (markListed = resolve));
    const listFn = async () => {
      const result = (await list()) as k8s.KubernetesListObject<k8s.KubernetesObject>;
      markListed();
      return result;
    };
    const informer = k8s.makeInformer<k8s.KubernetesObject>(this.#config, path, listFn, labelSelector);
    const changed = (object: k8s.KubernetesObject) => {
      const name = owner(object);
      if (name) this.enqueue(name);
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    let lastError = '';
    informer.on('error', (error: unknown) => {
      if (this.#stopped) return;
      const message = describeError(error);
      if (message !== lastError) this.#options.warn(`${OPERATOR_NAME}: watch of ${what} failed (${message}); restarting it`);
      lastError = message;
      setTimeout(() => {
        if (!this.#stopped) informer.start().catch((cause: unknown) => this.#options.warn(`${OPERATOR_NAME}: watch of ${what} would not restart: ${describeError(cause)}`));
      }, INFORMER_RESTART_MS).unref();
    });
    informer.on('connect', () => (lastError = ''));
    this.#watched.push({ what, informer, listed });
    void informer.start().catch((error: unknown) => this.#options.warn(`${OPERATOR_NAME}: watch of ${what} would not start: ${describeError(error)}`));
  }

  #enqueueAll(): void {
    const apps = this.#watched[0]?.informer.list() ?? [];
    for (const app of apps) if (app.metadata?.name) this.enqueue(app.metadata.name);
  }

  /** Queues a pass for the SampleApp `name` (once, however often it is asked for before it runs). */
  enqueue(name: string): void {
    if (this.#stopped) return;
    if (!this.#queued.has(name)) {
      this.#queued.add(name);
      this.#queue.push(name);
    }
    if (this.#started && !this.#running) this.#running = this.#drain().finally(() => (this.#running = undefined));
  }

  #later(name: string, delayMs: number): void {
    if (this.#stopped || this.#timers.has(name)) return;
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        this.enqueue(name);
      }, delayMs),
    );
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const name = this.#queue.shift();
      if (name === undefined) return;
      this.#queued.delete(name);
      try {
        const again = await this.reconcile(name);
        this.#retries.delete(name);
        if (again) this.enqueue(name);
      } catch (error) {
        if (this.#stopped) return;
        const delay = Math.min(RETRY_MAX_MS, (this.#retries.get(name) ?? RETRY_FIRST_MS / 2) * 2);
        this.#retries.set(name, delay);
        this.#options.warn(`${name}: reconcile failed (${describeError(error)}); again in ${delay} ms`);
        this.#later(name, delay);
      }
    }
  }

  /** One pass for the SampleApp `name`; true when it acted (then another pass follows at once). */
  async reconcile(name: string): Promise<boolean> {
    const namespace = this.#options.namespace;
    const app = await readOrUndefined(() => this.#custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name }) as Promise<SampleApp>);
    if (!app || app.metadata?.deletionTimestamp) {
      // Gone: its objects go with it (ownerReferences); nothing to do.
      this.#said.delete(name);
      return false;
    }
    const spec = resolveSpec(app.spec);
    const input = await this.#observe(app, spec);
    const decision = decide(input);
    const owner = ownerOf(app);
    const acted = await this.#act(decision, owner, spec, input);
    const status = nextStatus(input, decision, new Date());
    const postEvents = async () => {
      for (const event of eventsFor(input, decision)) {
        await postEvent(this.#core, app, event).catch((error: unknown) => this.#options.warn(`${name}: event ${event.reason} not posted: ${describeError(error)}`));
      }
    };
    // The events once: after the change they report. A change to the cluster (a Job, a roll) is made
    // once, since the next pass sees it; where the status write is the change (a report) or what
    // keeps a Warning from repeating (a refusal, a failure), the events follow the write.
    if (acted && decision.kind !== 'report') {
      await postEvents();
      await this.#writeStatus(app, status);
    } else {
      await this.#writeStatus(app, status);
      await postEvents();
    }
    this.#say(name, acted, describeDecision(name, decision));
    return acted;
  }

  async #writeStatus(app: SampleApp, status: SampleAppStatus): Promise<void> {
    if (sameStatus(app.status, status)) return;
    const { name, namespace, resourceVersion } = app.metadata ?? {};
    await this.#custom.patchNamespacedCustomObjectStatus(
      // The resourceVersion makes the write conditional: a SampleApp changed since it was read is read again.
      { group: GROUP, version: VERSION, namespace: namespace ?? this.#options.namespace, plural: PLURAL, name: name ?? '', body: { metadata: { resourceVersion }, status } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  async #observe(app: SampleApp, spec: ResolvedSpec): Promise<ReconcileInput> {
    const namespace = this.#options.namespace;
    const name = app.metadata!.name!;
    const preName = jobName(name, 'pre', spec.version);
    const postName = jobName(name, 'post', spec.version);
    const [secret, databaseServiceObject, statefulSet, deployment, service, preJob, postJob] = await Promise.all([
      readOrUndefined(() => this.#core.readNamespacedSecret({ name: DATABASE_SECRET, namespace })),
      readOrUndefined(() => this.#core.readNamespacedService({ name: DATABASE_NAME, namespace })),
      readOrUndefined(() => this.#apps.readNamespacedStatefulSet({ name: DATABASE_NAME, namespace })),
      readOrUndefined(() => this.#apps.readNamespacedDeployment({ name, namespace })),
      readOrUndefined(() => this.#core.readNamespacedService({ name, namespace })),
      readOrUndefined(() => this.#batch.readNamespacedJob({ name: preName, namespace })),
      readOrUndefined(() => this.#batch.readNamespacedJob({ name: postName, namespace })),
    ]);
    const pods = await this.#core.listNamespacedPod({ namespace, labelSelector: `${NAME_LABEL}=${name}` });
    return {
      name,
      generation: app.metadata?.generation ?? 0,
      spec,
      status: app.status ?? {},
      stops: this.#options.stops,
      observed: {
        secret: secret !== undefined && !secret.metadata?.deletionTimestamp,
        databaseService: databaseServiceObject !== undefined && !databaseServiceObject.metadata?.deletionTimestamp,
        statefulSet: observeStatefulSet(statefulSet),
        preJob: observeJob(preName, preJob),
        postJob: observeJob(postName, postJob),
        deployment: observeDeployment(deployment, spec.replicas),
        appService: observeService(service),
        olderPods: observeOlderPods(pods.items, spec.version),
      },
    };
  }

  /** Carries out the decision's change to the cluster; true when there was one. */
  async #act(decision: Decision, owner: Owner, spec: ResolvedSpec, input: ReconcileInput): Promise<boolean> {
    switch (decision.kind) {
      case 'ensure-database':
        if (!input.observed.secret) {
          // Created, never applied: applying would put a new password over the one the database has.
          await this.#objects.create(databaseSecret(owner, newPassword()), undefined, undefined, OPERATOR_NAME).catch((error: unknown) => {
            if (!(error instanceof k8s.ApiException && error.code === 409)) throw error;
          });
        }
        await this.#apply(databaseService(owner));
        await this.#apply(databaseStatefulSet(owner, spec));
        return true;
      case 'run-job':
        await this.#apply(migrationJob(owner, spec, decision.phase, decision.version));
        return true;
      case 'roll':
        // The Service first: the Deployment's template is what says the roll happened.
        await this.#apply(appService(owner, spec));
        await this.#apply(appDeployment(owner, spec, decision.version));
        return true;
      case 'report':
        // The status write is the report.
        return true;
      case 'refuse':
      case 'wait':
      case 'fail':
      case 'none':
        return false;
    }
  }

  async #apply(object: k8s.KubernetesObject): Promise<void> {
    await this.#objects.patch(object, undefined, undefined, OPERATOR_NAME, true, k8s.PatchStrategy.ServerSideApply);
  }

  #say(name: string, acted: boolean, line: string): void {
    if (!acted && this.#said.get(name) === line) return;
    this.#said.set(name, line);
    this.#options.log(line);
  }
}

/** The line the operator prints for a decision. */
export function describeDecision(name: string, decision: Decision): string {
  switch (decision.kind) {
    case 'refuse':
      return `${name}: upgrade refused: ${decision.message}`;
    case 'ensure-database':
      return `${name}: database applied (Secret ${DATABASE_SECRET}, Service and StatefulSet ${DATABASE_NAME}): ${decision.message}`;
    case 'wait':
      return `${name}: ${decision.message}`;
    case 'run-job':
      return `${name}: ${decision.phase}-deployment migration Job ${decision.job} created`;
    case 'roll':
      return `${name}: Deployment ${name} ${decision.cause === 'sync' ? 'updated' : 'rolling'} to ${decision.version}${decision.from && decision.from !== decision.version ? ` (from ${decision.from})` : ''}`;
    case 'report':
      return `${name}: status.version ${decision.version} (${decision.mode === 'install' ? 'installed' : decision.mode === 'upgrade' ? `upgraded from ${decision.from}` : `rolled back from ${decision.from}`})`;
    case 'fail':
      return `${name}: ${decision.reason}: ${decision.message}`;
    case 'none':
      return `${name}: ${decision.version} is installed and rolled out`;
  }
}

async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof k8s.ApiException && error.code === 404) return undefined;
    throw error;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof k8s.ApiException) {
    const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    try {
      const parsed = JSON.parse(body) as { message?: string };
      return `HTTP ${error.code}: ${parsed.message ?? body}`;
    } catch {
      return `HTTP ${error.code}: ${String(body).slice(0, 300)}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
