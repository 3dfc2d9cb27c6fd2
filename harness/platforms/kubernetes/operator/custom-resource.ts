// The application's custom resource, the one thing the operator method changes: rendered from
// the scenario's template per version, applied with server-side apply (the version field set to
// the version asked for), and followed with a watch until its status answers by the scenario's
// rules: done, refused (UpgradeRefusedError) or failed. Every change of its conditions is a line
// on the cell's timeline.
import * as k8s from '@kubernetes/client-node';
import { InfrastructureError, UpgradeFailedError, UpgradeRefusedError, WaitTimeoutError } from '../../../errors.ts';
import type { OperatorPackaging } from '../../../matrix/cell.ts';
import { setPointer } from '../../../util/json-pointer.ts';
import { call } from '../kube-api.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { loadManifests } from '../manifests.ts';
import { WatchedObjects } from '../watched-objects.ts';
import { inCell } from '../workload.ts';
import { operatorPlaceholders } from './operator-placeholders.ts';
import { conditionChanges, describeRule, ruleHolds, ruleMessage, type ResourceView } from './status-rules.ts';

type Resource = k8s.KubernetesObject & ResourceView;

export class CustomResource implements AsyncDisposable {
  readonly kind: string;
  readonly name: string;
  readonly #app: KubernetesApp;
  readonly #operator: OperatorPackaging;
  readonly #watched: WatchedObjects<Resource>;

  private constructor(app: KubernetesApp, kind: string, name: string, watched: WatchedObjects<Resource>) {
    this.#app = app;
    this.#operator = app.packaging.operator!;
    this.kind = kind;
    this.name = name;
    this.#watched = watched;
  }

  /** Starts watching the resource of the scenario's template (it need not exist yet); conditions go to `event`. */
  static async watch(app: KubernetesApp, version: string, event: (line: string) => void): Promise<CustomResource> {
    const template = await render(app, version);
    const [group, apiVersion] = splitApiVersion(template.apiVersion!);
    const plural = await pluralOf(app, group, template.kind!);
    const name = template.metadata!.name!;
    const path = `/apis/${group}/${apiVersion}/namespaces/${app.namespace}/${plural}`;
    const list = () => app.api.objects.list<Resource>(template.apiVersion!, template.kind!, app.namespace);
    const watched = await WatchedObjects.start<Resource>(app.api.config, path, list, undefined);
    const resource = new CustomResource(app, template.kind!, name, watched);
    let last: Resource | undefined;
    watched.onChange(({ object, verb }) => {
      if (object.metadata?.name !== name || verb === 'delete') return;
      for (const line of conditionChanges(last, object)) event(`${resource.kind} ${name}: ${line}`);
      last = object;
    });
    return resource;
  }

  /** Asks for `version` (the whole template applied, its version field set) and waits for the operator's answer. */
  async moveTo(version: string, signal: AbortSignal, giveUp?: Promise<never>): Promise<void> {
    const applied = await this.#app.api.apply(await render(this.#app, version));
    const generation = applied.metadata?.generation ?? 0;
    await this.#answer(version, generation, signal, giveUp);
  }

  async #answer(version: string, generation: number, signal: AbortSignal, giveUp?: Promise<never>): Promise<void> {
    const { done, refused, failed, timeoutMs } = this.#operator;
    const what = `${this.kind} ${this.name} at ${version}: ${describeRule(done, version)}`;
    const answer = this.#watched.until(
      (objects) => {
        const resource = objects.find((candidate) => candidate.metadata?.name === this.name);
        if (!resource) return undefined;
        if (refused && ruleHolds(refused, resource, generation, version)) {
          throw new UpgradeRefusedError(`the operator refused ${version}: ${ruleMessage(refused, resource) ?? describeRule(refused, version)}`);
        }
        if (failed && ruleHolds(failed, resource, generation, version)) {
          throw new UpgradeFailedError(`the operator gave up on ${version}: ${ruleMessage(failed, resource) ?? describeRule(failed, version)}`, { code: 'OPERATOR_FAILED' });
        }
        return ruleHolds(done, resource, generation, version);
      },
      { what, timeoutMs, signal, lastEvents: () => this.#app.watch.lastLines() },
    );
    try {
      await (giveUp ? Promise.race([answer, giveUp]) : answer);
    } catch (error) {
      if (error instanceof WaitTimeoutError) throw new UpgradeFailedError(error.message, { code: 'OPERATOR_TIMEOUT', cause: error, timingDependent: true });
      throw error;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#watched[Symbol.asyncDispose]();
  }
}

/** The version's template, placeholders filled, in the cell's namespace, its version field set to `version`. */
async function render(app: KubernetesApp, version: string): Promise<Resource> {
  const operator = app.packaging.operator!;
  const file = app.cell.scenario.versions.find((entry) => entry.version === version)?.kubernetes?.resource ?? operator.resource;
  const [resource, ...others] = await loadManifests(file, operatorPlaceholders(app, version));
  if (!resource || others.length > 0) throw new InfrastructureError(`${file} must hold exactly one document, the custom resource`, { code: 'BAD_RESOURCE' });
  setPointer(resource, operator.versionField, version);
  return inCell(app, withoutNulls(resource) as k8s.KubernetesObject) as Resource;
}

/** A field whose placeholder is null (no NodePort off kind and k3d) is left out, as if not written. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, withoutNulls(item)]));
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) throw new InfrastructureError(`the custom resource's apiVersion ${apiVersion} has no group: an operator's resource is group/version`, { code: 'BAD_RESOURCE' });
  return [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** The resource's plural (its URL path), from its CRD in the cluster: there by now, the operator's install put it there. */
async function pluralOf(app: KubernetesApp, group: string, kind: string): Promise<string> {
  const extensions = app.api.config.makeApiClient(k8s.ApiextensionsV1Api);
  const crds = await call('list CustomResourceDefinitions', () => extensions.listCustomResourceDefinition());
  const crd = crds.items.find((candidate) => candidate.spec.group === group && candidate.spec.names.kind === kind);
  if (!crd) {
    throw new UpgradeFailedError(`no CustomResourceDefinition for kind ${kind} of group ${group} is in the cluster after the operator's install`, {
      code: 'NO_CRD',
      hint: 'name its CRDs in kubernetes.operator.install.crds, or let the operator\'s chart install them',
    });
  }
  return crd.spec.names.plural;
}
