// An operator run as a process on this machine, against the cell's cluster: KUBECONFIG points at
// it, the run's labels are in its environment (so `gc` finds it if the run dies), its output goes
// to operator.log in the cell's folder. Stopped with SIGTERM (SIGKILL after a grace) when the cell
// ends; an exit before that is the operator's failure, and whoever waits on it learns at once.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import { UpgradeFailedError } from '../../../errors.ts';
import type { CommandSpec } from '../../../matrix/cell.ts';
import { processLabels } from '../../../runner/labels.ts';
import { createRunWorkDir } from '../../../runner/run-work-dir.ts';
import { logTail } from '../../../util/log-tail.ts';
import { userEnvironment } from '../../../util/user-environment.ts';
import { spawnFailure } from '../../spawn-failure.ts';
import type { KubernetesApp } from '../kubernetes-app.ts';
import { fillValues } from '../manifests.ts';
import { operatorPlaceholders } from './operator-placeholders.ts';

const STOP_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 60_000;

export interface OperatorProcess {
  pid: number;
  logFile: string;
  describe: string;
  /** Rejects with the reason once the process exits while it should be running; never resolves. */
  readonly exited: Promise<never>;
  stop(): Promise<void>;
}

export async function startOperatorProcess(app: KubernetesApp, template: CommandSpec, readyLine: string | undefined): Promise<OperatorProcess> {
  const kubeconfig = await kubeconfigOfCell(app);
  const spec = fillValues(template, { ...operatorPlaceholders(app), kubeconfig }) as CommandSpec;
  const logFile = join(app.logDir, 'operator.log');
  const [file, ...args] = spec.command;
  const child: ResultPromise = execa(file!, args, {
    cwd: spec.cwd,
    env: { ...userEnvironment(), ...spec.env, KUBECONFIG: kubeconfig, ...processLabels(app.runId, app.cell.id) },
    extendEnv: false,
    stdin: 'ignore',
    stdout: ['pipe', { file: logFile, append: true }],
    stderr: { file: logFile, append: true },
    all: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: STOP_GRACE_MS,
  });
  if (child.pid === undefined) {
    const failure = spawnFailure('the operator', spec, await child);
    if (failure) throw failure;
  }
  let stopping = false;
  const describe = spec.command.join(' ');
  const exited = child.then(async (result): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    const tail = await logTail(logFile, 10);
    throw new UpgradeFailedError(`the operator (${describe}) exited ${result.exitCode ?? result.signal}\nlast lines of ${logFile}:\n  ${tail.join('\n  ')}`, { code: 'OPERATOR_EXITED' });
  });
  exited.catch(() => undefined);
  const operator: OperatorProcess = {
    pid: child.pid!,
    logFile,
    describe,
    exited,
    async stop() {
      if (stopping) return;
      stopping = true;
      child.kill('SIGTERM');
      await child;
    },
  };
  app.resources.defer(() => operator.stop());
  child.stdout?.resume();
  if (readyLine) await waitForLine(child, new RegExp(readyLine), exited, `the operator's output to match /${readyLine}/ (kubernetes.operator.install.readyLine)`, app.signal);
  return operator;
}

/**
 * The kubeconfig the operator gets: the cell's, or, where the matrix names a context, a copy whose
 * current context is that one (a program reading KUBECONFIG takes the current context). The copy
 * holds credentials: a private run folder, removed with the cell.
 */
async function kubeconfigOfCell(app: KubernetesApp): Promise<string> {
  if (!app.context) return app.kubeconfig;
  const folder = await createRunWorkDir(app.runId, 'operator-kubeconfig');
  app.resources.use(folder);
  const file = join(folder.path, 'kubeconfig');
  const config = new KubeConfig();
  config.loadFromFile(app.kubeconfig);
  config.setCurrentContext(app.context);
  await writeFile(file, config.exportConfig(), { mode: 0o600 });
  return file;
}

function waitForLine(child: ResultPromise, pattern: RegExp, exited: Promise<never>, what: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (pattern.test(seen)) done(resolve);
    };
    const onAbort = () => done(() => reject(signal.reason));
    const timer = setTimeout(() => done(() => reject(new UpgradeFailedError(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${what}`, { code: 'OPERATOR_NOT_READY' }))), READY_TIMEOUT_MS);
    child.stdout?.on('data', onData);
    signal.addEventListener('abort', onAbort, { once: true });
    exited.catch((error: unknown) => done(() => reject(error)));
  });
}
