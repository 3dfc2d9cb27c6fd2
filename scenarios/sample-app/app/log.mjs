// One line per event on stdout; the harness keeps each replica's output as its log.

export function log(message) {
  process.stdout.write(`${new Date().toISOString()} sample-app ${message}\n`);
}

/** pg errors can be AggregateErrors with an empty message (one per address tried). */
export function describeError(error) {
  if (error?.message) return error.message;
  if (error?.errors?.length) return error.errors.map(describeError).join('; ');
  return error?.code ?? String(error);
}
