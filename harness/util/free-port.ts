import { createServer } from 'node:net';
import { InfrastructureError } from '../errors.ts';

// Ports handed out in this process, so two cells starting at once never get the same one
// between the probe and the moment the program binds it.
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await probe().catch((cause: unknown) => {
      throw noFreePort(cause as NodeJS.ErrnoException);
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw noFreePort(undefined);
}

function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The machine cannot give a port: no verdict on the product, and a hint at the usual causes. */
function noFreePort(cause: NodeJS.ErrnoException | undefined): InfrastructureError {
  const why = cause ? (cause.code ?? cause.message) : 'the kernel kept offering ports this run had already handed out';
  const hint =
    cause?.code === 'EMFILE' || cause?.code === 'ENFILE'
      ? 'too many open files: raise the limit (ulimit -n) or lower --concurrency'
      : cause?.code === 'EADDRNOTAVAIL'
        ? 'this machine has no 127.0.0.1: bring the loopback interface up'
        : 'ephemeral ports may be exhausted (see `ss -s`): lower --concurrency or wait for connections in TIME_WAIT to close';
  return new InfrastructureError(`no free TCP port on 127.0.0.1 (${why})`, { code: 'NO_FREE_PORT', hint, cause });
}
