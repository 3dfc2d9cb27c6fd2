// Kubeconfig files for the admin and for each component, with the certificates embedded so a
// copy of the file keeps working wherever it is read from.
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { KeyPair } from './certificates.ts';

export async function writeKubeconfig(path: string, options: { server: string; caCert: string; client: KeyPair; user: string }): Promise<void> {
  const b64 = async (file: string) => (await readFile(file)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'rig', cluster: { server: options.server, 'certificate-authority-data': await b64(options.caCert) } }],
    users: [{ name: options.user, user: { 'client-certificate-data': await b64(options.client.cert), 'client-key-data': await b64(options.client.key) } }],
    contexts: [{ name: 'rig', context: { cluster: 'rig', user: options.user, namespace: 'default' } }],
    'current-context': 'rig',
    preferences: {},
  };
  await writeFile(path, stringify(config, { lineWidth: 0 }), { mode: 0o600 });
}
