// The schema history of sample-app, kept as data so the runner stays generic.
//
// Expand/contract, split the way GitLab splits its migrations:
// - "pre" migrations run before any replica of their version starts, and must leave the
//   previous version working (they only add, or relax constraints);
// - "post" migrations run only once every replica runs their version, because they remove
//   what older versions still rely on.
// Ids are permanent: schema_migrations records them, so never rename or reorder an applied one.

/** @typedef {{ id: string, version: string, kind: 'pre' | 'post', sql: string }} Migration */

/** @type {Migration[]} */
export const migrations = [
  {
    id: '1.0.0-pre-create-items',
    version: '1.0.0',
    kind: 'pre',
    sql: `create table items (
            id bigserial primary key,
            key text unique not null,
            name text not null,
            created_at timestamptz default now())`,
  },
  {
    // Nullable, so 1.0.0 replicas (which never write it) keep inserting beside 1.1.0.
    id: '1.1.0-pre-add-title',
    version: '1.1.0',
    kind: 'pre',
    sql: 'alter table items add column title text',
  },
  {
    // 2.0.0 writes only title; 1.1.0 still writes both, so both keep working.
    id: '2.0.0-pre-name-nullable',
    version: '2.0.0',
    kind: 'pre',
    sql: 'alter table items alter column name drop not null',
  },
  {
    // The contract step: from here on a row needs a title, which 1.0.0 never writes.
    id: '2.0.0-post-title-required',
    version: '2.0.0',
    kind: 'post',
    sql: `update items set title = name where title is null;
          alter table items alter column title set not null`,
  },
];
