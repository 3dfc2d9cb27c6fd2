// The setup step of the Directus example: what an operator does once in a fresh Directus before
// clients use it, through Directus's own REST API.
//   env: DIRECTUS_URL (the front door), ADMIN_EMAIL, ADMIN_PASSWORD (those `directus bootstrap` made)
// 1. logs in as the first admin;
// 2. creates the collection the probes use, `notes` (id: integer key, key: unique string, value:
//    string), and a first note, so that a list is never empty;
// 3. creates a user for the probes, with the admin role and a random static token.
// It prints {"token": "..."} on standard output (the probes send it as a Bearer token) and
// everything else on standard error. Plain ESM for Node 20 (global fetch); needs no packages.
import { randomBytes } from 'node:crypto';

const base = (process.env.DIRECTUS_URL ?? '').replace(/\/+$/, '');
const email = process.env.ADMIN_EMAIL;
const password = process.env.ADMIN_PASSWORD;
if (!base || !email || !password) {
  console.error('setup: DIRECTUS_URL, ADMIN_EMAIL and ADMIN_PASSWORD are required');
  process.exit(2);
}

async function call(method, path, { token, body } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  console.error(`setup: ${method} ${path} -> ${response.status}`);
  return text ? JSON.parse(text) : {};
}

try {
  const login = await call('POST', '/auth/login', { body: { email, password } });
  const admin = login.data.access_token;

  await call('POST', '/collections', {
    token: admin,
    body: {
      collection: 'notes',
      meta: { note: 'written and read by upgrade-harness probes' },
      schema: {},
      fields: [
        { field: 'id', type: 'integer', meta: { hidden: true }, schema: { is_primary_key: true, has_auto_increment: true } },
        { field: 'key', type: 'string', schema: { is_unique: true, is_nullable: false } },
        { field: 'value', type: 'string' },
      ],
    },
  });
  await call('POST', '/items/notes', { token: admin, body: { key: 'welcome', value: 'first note' } });

  const me = await call('GET', '/users/me?fields=role', { token: admin });
  const token = randomBytes(24).toString('hex');
  await call('POST', '/users', {
    token: admin,
    body: { email: 'probes@example.com', password: randomBytes(24).toString('hex'), role: me.data.role, token, status: 'active' },
  });
  // The token works before the probes depend on it.
  const notes = await call('GET', '/items/notes?limit=1', { token });
  if (!Array.isArray(notes.data) || notes.data.length !== 1) throw new Error(`GET /items/notes with the new token gave ${JSON.stringify(notes)}`);

  process.stdout.write(JSON.stringify({ token }) + '\n');
} catch (error) {
  console.error(`setup: ${error.message}`);
  process.exit(1);
}
