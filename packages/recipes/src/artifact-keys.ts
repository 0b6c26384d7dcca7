// Where a build's files live in object storage, for the workers that write them and the API that
// deletes them: `builds/<build id>/<attempt>/<name>`, so two attempts never write one object.

/** The prefix of every stored file of a build, all attempts. */
export function buildKeyPrefix(buildId: string): string {
  return `builds/${buildId}/`;
}

/** The prefix of one attempt's files. */
export function attemptKeyPrefix(buildId: string, attempt: number): string {
  return `${buildKeyPrefix(buildId)}${attempt}/`;
}
