// sample-app-operator: installs and upgrades the sample app from SampleApp resources.
//
//   node scenarios/sample-app/operator/main.ts --namespace NS [--upgrade-stops 1.1.0[,2.3.0]] [--kubeconfig FILE]
//
// Environment fallbacks (for a pod, with the downward API): OPERATOR_NAMESPACE, UPGRADE_STOPS.
// The cluster: --kubeconfig, else KubeConfig.loadFromDefault() (KUBECONFIG, ~/.kube/config, or
// the pod's service account in a cluster).
//
// Prints "sample-app-operator watching NS (stops 1.1.0)" once its watches have listed, then one
// line per action. SIGTERM or SIGINT: stops its watches and exits 0 within a second. Exit 2: bad
// arguments; exit 1: it could not start (no usable kubeconfig).
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { Controller, describeError } from './controller.ts';
import { OPERATOR_NAME } from './types.ts';
import { compareVersions, isVersion } from './versions.ts';

const USAGE = `usage: node scenarios/sample-app/operator/main.ts --namespace NS [--upgrade-stops 1.1.0[,2.3.0]] [--kubeconfig FILE]
  --namespace       the namespace whose SampleApps it runs (env OPERATOR_NAMESPACE)
  --upgrade-stops   required upgrade stops, comma-separated versions (env UPGRADE_STOPS)
  --kubeconfig      a kubeconfig file (default: KUBECONFIG, ~/.kube/config, or in-cluster)`;

/** A pass under way gets this long to finish after SIGTERM; the exit follows within a second. */
const SHUTDOWN_GRACE_MS = 500;

export interface Cli {
  namespace: string;
  stops: string[];
  kubeconfig?: string;
}

export class UsageError extends Error {}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        namespace: { type: 'string', short: 'n' },
        'upgrade-stops': { type: 'string' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const namespace = (values.namespace ?? env.OPERATOR_NAMESPACE ?? '').trim();
  if (!namespace) throw new UsageError('no namespace: give --namespace NS (or set OPERATOR_NAMESPACE)');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new UsageError(`not a namespace name: ${namespace}`);
  const stopsText = values['upgrade-stops'] ?? env.UPGRADE_STOPS ?? '';
  const stops = stopsText
    .split(',')
    .map((stop) => stop.trim())
    .filter(Boolean);
  const invalid = stops.filter((stop) => !isVersion(stop));
  if (invalid.length > 0) throw new UsageError(`not a version in the upgrade stops: ${invalid.join(', ')} (MAJOR.MINOR.PATCH[-label], comma-separated)`);
  return { namespace, stops: [...new Set(stops)].sort(compareVersions), ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) };
}

async function main(): Promise<number> {
  let cli: Cli | 'help';
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${OPERATOR_NAME}: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (cli === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = new k8s.KubeConfig();
  try {
    if (cli.kubeconfig) config.loadFromFile(cli.kubeconfig);
    else config.loadFromDefault();
    if (!config.getCurrentCluster()) throw new Error(`the kubeconfig names no cluster for context ${config.getCurrentContext() || '(none)'}`);
  } catch (error) {
    console.error(`${OPERATOR_NAME}: no usable kubeconfig: ${describeError(error)}`);
    return 1;
  }

  const controller = new Controller(config, {
    namespace: cli.namespace,
    stops: cli.stops,
    log: (line) => console.log(line),
    warn: (line) => console.error(line),
  });
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.log(`${OPERATOR_NAME}: ${signal}, stopping`);
      const pass = controller.running;
      void Promise.all([controller.stop(), pass ? Promise.race([pass.catch(() => undefined), delay(SHUTDOWN_GRACE_MS)]) : undefined]).then(() => resolve(0));
      // Whatever a stop waits on, the exit comes within a second.
      delay(900).then(() => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const started = controller.start().then(() => 'started' as const);
  const first = await Promise.race([started, stopped]);
  if (first === 'started') {
    console.log(`${OPERATOR_NAME} watching ${cli.namespace} (stops ${cli.stops.join(',') || 'none'})`);
  }
  return stopped;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${OPERATOR_NAME}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
