import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the OS temp dir, removed with everything in it on dispose. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

export async function makeTempDir(prefix = "bbos-artifacts-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
