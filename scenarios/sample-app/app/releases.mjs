// How each release reads and writes items. One codebase stands in for three releases; the
// version a replica is told it is (APP_VERSION) picks the newest release at or below it.
import { compareVersions, parseVersion } from './versions.mjs';

const LATEST_ITEMS = 20;

/** @type {{ version: string, readValue: string, insert: string }[]} newest first */
const releases = [
  {
    // Writes only title: needs 2.0.0's pre migration (name nullable).
    version: '2.0.0',
    readValue: 'coalesce(title, name)',
    insert: 'insert into items (key, title) values ($1, $2)',
  },
  {
    // Writes both columns, so it works beside 1.0.0 and after 2.0.0's contract step alike.
    version: '1.1.0',
    readValue: 'coalesce(title, name)',
    insert: 'insert into items (key, name, title) values ($1, $2, $2)',
  },
  {
    // Knows nothing of title: its writes fail once title is NOT NULL (2.0.0's post migration).
    version: '1.0.0',
    readValue: 'name',
    insert: 'insert into items (key, name) values ($1, $2)',
  },
];

/** drops-name: a bad release that uses title alone, written as if name were already gone. */
const titleOnly = { version: '2.0.0', readValue: 'title', insert: 'insert into items (key, title) values ($1, $2)' };

/** The data-access functions of the release that `version` stands for. Throws on an unknown version. */
export function releaseFor(version, fault = null) {
  if (!parseVersion(version)) throw new Error(`APP_VERSION "${version}" is not a version like 1.0.0`);
  const release = fault === 'drops-name' ? titleOnly : releases.find((r) => compareVersions(r.version, version) <= 0);
  if (!release) throw new Error(`APP_VERSION ${version} is older than the first release, 1.0.0`);
  return {
    release: release.version,
    /** @param {import('pg').Pool} pool */
    async latest(pool) {
      const sql = `select key, ${release.readValue} as value from items order by id desc limit ${LATEST_ITEMS}`;
      return (await pool.query(sql)).rows;
    },
    async get(pool, key) {
      const sql = `select key, ${release.readValue} as value from items where key = $1`;
      return (await pool.query(sql, [key])).rows[0] ?? null;
    },
    async insert(pool, key, value) {
      await pool.query(release.insert, [key, value]);
    },
  };
}
