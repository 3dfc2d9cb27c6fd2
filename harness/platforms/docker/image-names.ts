// Names of the images `upgrade-harness images build` makes without a registry. Each carries the
// hash of its inputs as a label, so a build is skipped while its inputs stay the same.
export const BASE_IMAGE = 'upgrade-harness/debian:bookworm';
export const NODE_IMAGE = 'upgrade-harness/node:bookworm';
export const POSTGRES_IMAGE = 'upgrade-harness/postgres:15';
export const HAPROXY_IMAGE = 'upgrade-harness/haproxy:bookworm';

export const INPUTS_HASH_LABEL = 'upgrade-harness.inputs-hash';
