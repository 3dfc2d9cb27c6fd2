import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export const sharedNow = (): number => performance.timeOrigin + performance.now();

/** Omit distributed over a union of message types. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A fixture script in a child process, spoken to over IPC with { id } requests and replies. */
export interface FixtureProcess<Req extends { id: number }, Reply extends object> extends AsyncDisposable {
  readonly pid: number;
  /** The first message the child sent (it announces itself when ready). */
  readonly hello: Reply;
  ask(request: WithoutId<Req>): Promise<Reply>;
  stop(): Promise<void>;
}

export async function startFixtureProcess<Req extends { id: number }, Reply extends object>(file: string): Promise<FixtureProcess<Req, Reply>> {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const waiting = new Map<number, (reply: Reply) => void>();
  const hello = await new Promise<Reply>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited early (code ${code})`)));
    let first = true;
    child.on('message', (reply: Reply) => {
      if (first) {
        first = false;
        resolve(reply);
      } else {
        const { id } = reply as { id?: number };
        if (id !== undefined) waiting.get(id)?.(reply);
      }
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.connected) child.disconnect();
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
  };
  return {
    pid: child.pid ?? 0,
    hello,
    ask: (request) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, (reply) => {
          waiting.delete(id);
          resolve(reply);
        });
        child.send({ ...request, id });
      }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
