// Where this server serves build files and project files; the API hands these paths out.

/** Where the public signing key is served; the web app and the README point here. */
export const PUBLIC_KEY_PATH = "/.well-known/bbos/minisign.pub";

/** The path that streams an artifact: `/artifacts/<id>/<file name>`. */
export function artifactPath(artifact: { id: string; name: string }): string {
  return `/artifacts/${artifact.id}/${encodeURIComponent(artifact.name)}`;
}

/** The path of a build's whole log as plain text (its archive, decompressed on the way). */
export function buildLogPath(buildId: string): string {
  return `/builds/${buildId}/log.txt`;
}

/** The path that serves one version of a project file: `/files/<fileId>/versions/<n>`. */
export function fileVersionPath(version: { fileId: string; number: number }): string {
  return `/files/${version.fileId}/versions/${version.number}`;
}
