// The rig's PKI, made with the openssl CLI (no npm crypto library needed; Debian ships
// OpenSSL 3, whose `req -CA` signs a certificate in one call). ECDSA P-256 keys: generating
// them takes milliseconds where RSA takes a noticeable part of the startup time.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from '../../harness/tools/run-tool.ts';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface RigPki {
  ca: KeyPair;
  apiserver: KeyPair;
  /** CN=rig-admin in group system:masters: the kubeconfig the tests get. */
  admin: KeyPair;
  /** The identities the bootstrap RBAC roles of Kubernetes are written for. */
  controllerManager: KeyPair;
  scheduler: KeyPair;
  /** kwok acts as every node's kubelet; system:masters spares it a role of its own. */
  kwok: KeyPair;
  /** Signs and verifies ServiceAccount tokens. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

const DAYS = '3650';

/** The `kubernetes` Service's ClusterIP: the first address of --service-cluster-ip-range. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export async function createPki(dir: string): Promise<RigPki> {
  await mkdir(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  const ca = { cert: path('ca.crt'), key: path('ca.key') };
  await generateKey(ca.key);
  await writeFile(path('ca.cnf'), opensslConfig({ CN: 'rig-ca' }, ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign, digitalSignature', 'subjectKeyIdentifier = hash']));
  await openssl(['req', '-x509', '-new', '-key', ca.key, '-config', path('ca.cnf'), '-extensions', 'ext', '-days', DAYS, '-set_serial', serial(), '-out', ca.cert]);

  const leaf = async (name: string, subject: Record<string, string>, usage: 'serverAuth' | 'clientAuth', altNames: string[] = []): Promise<KeyPair> => {
    const pair = { cert: path(`${name}.crt`), key: path(`${name}.key`) };
    await generateKey(pair.key);
    const ext = ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', `extendedKeyUsage = ${usage}`, 'authorityKeyIdentifier = keyid'];
    if (altNames.length) ext.push(`subjectAltName = ${altNames.join(', ')}`);
    await writeFile(path(`${name}.cnf`), opensslConfig(subject, ext));
    await openssl(['req', '-new', '-key', pair.key, '-config', path(`${name}.cnf`), '-extensions', 'ext', '-CA', ca.cert, '-CAkey', ca.key, '-days', DAYS, '-set_serial', serial(), '-out', pair.cert]);
    return pair;
  };

  // The leaves depend only on the CA: made together, one openssl per core at a time is fine.
  const serviceAccountKey = path('service-account.key');
  const serviceAccountPub = path('service-account.pub');
  const [apiserver, admin, controllerManager, scheduler, kwok] = await Promise.all([
    leaf('apiserver', { CN: 'kube-apiserver' }, 'serverAuth', [
    'IP:127.0.0.1',
    'DNS:localhost',
    // In-cluster names of the API, for anything that follows the `kubernetes` Service.
    `IP:${KUBERNETES_SERVICE_IP}`,
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
    ]),
    leaf('admin', { CN: 'rig-admin', O: 'system:masters' }, 'clientAuth'),
    leaf('kube-controller-manager', { CN: 'system:kube-controller-manager' }, 'clientAuth'),
    leaf('kube-scheduler', { CN: 'system:kube-scheduler' }, 'clientAuth'),
    leaf('kwok', { CN: 'kwok', O: 'system:masters' }, 'clientAuth'),
    generateKey(serviceAccountKey).then(() => openssl(['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub])),
  ]);
  return { ca, apiserver, admin, controllerManager, scheduler, kwok, serviceAccountKey, serviceAccountPub };
}

function generateKey(out: string): Promise<unknown> {
  return openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);
}

function openssl(args: string[]) {
  return runTool('openssl', args, { timeoutMs: 30_000, installHint: 'apt-get install -y openssl' });
}

/** Positive, 16 bytes: serials must be unique per CA and must not look negative. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return `0x${bytes.toString('hex')}`;
}

/** A request config with a fixed subject (no prompts) and the extensions in section [ext]. */
function opensslConfig(subject: Record<string, string>, extensions: string[]): string {
  return [
    '[req]',
    'prompt = no',
    'distinguished_name = dn',
    '[dn]',
    ...Object.entries(subject).map(([k, v]) => `${k} = ${v}`),
    '[ext]',
    ...extensions,
    '',
  ].join('\n');
}
