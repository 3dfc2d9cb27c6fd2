// `npm run rig -- up DIR` / `down DIR` / `build`: a real Kubernetes control plane on
// 127.0.0.1 for the tests (etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
// kwok standing in for kubelets), built from source and cached by version.
import { Command } from 'commander';
import { ensureBinaries } from './build-binaries.ts';
import { startRig, stopRig } from './rig-api.ts';

const program = new Command('rig').description('a real Kubernetes control plane on 127.0.0.1 for the tests');

program
  .command('up')
  .argument('<dir>', 'a new or empty folder: pids, logs, certificates, etcd data and the kubeconfig go there')
  .description('start the control plane and two kwok nodes; returns when pods can be scheduled')
  .action(async (dir: string) => {
    // The daemons run in sessions of their own, so Ctrl-C reaches only this process: it
    // aborts the start, and the start stops what it had begun.
    const abort = new AbortController();
    const onSignal = () => abort.abort(new Error('rig: up interrupted; stopped what it had started'));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const rig = await startRig(dir, { signal: abort.signal });
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    console.log(`kubeconfig ${rig.kubeconfig} (started in ${(rig.startupMs / 1000).toFixed(1)} s)`);
  });

program
  .command('down')
  .argument('<dir>', 'the folder given to `up`')
  .description('stop every process of that rig and remove the folder (fine if already down)')
  .action(async (dir: string) => {
    await stopRig(dir);
  });

program
  .command('build')
  .description('build (or find cached) etcd, kube-*, kwok and helm')
  .action(async () => {
    const report = await ensureBinaries();
    console.log(`binaries ready (${(report.totalBytes / 1e6).toFixed(0)} MB${report.built.length ? `, built in ${Math.round(report.durationMs / 1000)} s` : ', cached'})`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
