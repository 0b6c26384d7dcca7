import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";

import { InvalidObjectKeyError, ObjectNotFoundError, quoteForMessage } from "../errors.ts";
import { assertByteRange, clampByteRange } from "./internal/byte-range.ts";
import { digestingSource } from "./internal/digesting-source.ts";
import { checkPresignOptions } from "./internal/presign-options.ts";
import { assertKeyPrefix, assertObjectKey, isKeySegment } from "./object-key.ts";
import type { ByteRange, ObjectBody, ObjectStore, StoredObject } from "./object-store.ts";

/** Options for {@link createFileObjectStore}. */
export interface FileObjectStoreOptions {
  /** Directory holding the objects (created on first put); key `a/b` is the file `<root>/a/b`. */
  root: string;
}

/**
 * The default {@link ObjectStore}: one file per object under `root`.
 *
 * - `put` writes `<file>~<uuid>.tmp` beside the target (`~` never appears in a key, so a
 *   temporary file can never be mistaken for an object), fsyncs it, and renames it over the
 *   target: rename(2) is atomic, so readers see the old file or the new one.
 * - Directories are created as needed and removed by `deletePrefix` when it empties them.
 * - Unlike S3, a key cannot be both an object and a folder of objects (`a/b` and `a/b/c`):
 *   the second put throws `InvalidObjectKeyError`.
 * - `presignedGetUrl` returns `null`: the server streams these files itself.
 * - Content types are not stored.
 */
export function createFileObjectStore(options: FileObjectStoreOptions): ObjectStore {
  const root = resolve(options.root);
  // Only called with validated keys, whose segments cannot climb out of root.
  const pathOf = (key: string): string => join(root, ...key.split("/"));

  return {
    // Content types are not kept (see above), so the options are not read.
    async put(key, body) {
      assertObjectKey(key);
      return putFile(key, pathOf(key), body);
    },

    async stat(key) {
      assertObjectKey(key);
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { size: info.size } : null;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async read(key, range) {
      assertObjectKey(key);
      if (range !== undefined) assertByteRange(range);
      return readFile(key, pathOf(key), range);
    },

    async deletePrefix(prefix) {
      assertKeyPrefix(prefix);
      const cut = prefix.lastIndexOf("/") + 1;
      const folder = cut === 0 ? root : pathOf(prefix.slice(0, cut - 1));
      const namePrefix = prefix.slice(cut);
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let deleted = 0;
      for (const entry of entries) {
        if (entry.name.startsWith(namePrefix)) {
          deleted += await removeTree(join(folder, entry.name), entry);
        }
      }
      // `builds/42/` names the folder itself: remove it too (never the root).
      if (namePrefix === "" && folder !== root) await removeEmptyFolder(folder);
      return deleted;
    },

    presignedGetUrl(key, presignOptions) {
      // Checked as the S3 store checks them, so a bad call fails in development too; a bad
      // argument rejects the promise rather than throwing.
      return Promise.resolve().then(() => {
        assertObjectKey(key);
        checkPresignOptions(presignOptions);
        return null;
      });
    },
  };
}

async function putFile(key: string, path: string, body: ObjectBody): Promise<StoredObject> {
  const temporary = `${path}~${randomUUID()}.tmp`;
  const source = digestingSource(body);
  let handle: FileHandle | undefined;
  try {
    handle = await openTemporary(temporary);
    for await (const chunk of source.chunks) await writeAll(handle, chunk);
    // Flush before the rename, or a crash could leave the new name on an empty file.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    // Cleanup is best effort; the original error is the one worth reporting.
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    destroyBody(body);
    if (isFolderConflict(error)) {
      throw new InvalidObjectKeyError(
        quoteForMessage(key),
        "the file-system store cannot hold an object and a folder of objects with the same name " +
          "(like a/b and a/b/c)",
      );
    }
    throw error;
  }
  return { key, ...source.digests() };
}

async function openTemporary(temporary: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt += 1) {
    await mkdir(dirname(temporary), { recursive: true });
    try {
      return await open(temporary, "wx", 0o644);
    } catch (error) {
      // A deletePrefix may remove the folder between mkdir and open: make it again, a few times.
      if (errorCode(error) !== "ENOENT" || attempt === 3) throw error;
    }
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function readFile(key: string, path: string, range?: ByteRange): Promise<Readable> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isMissing(error)) throw new ObjectNotFoundError(key, { cause: error });
    throw error;
  }
  try {
    // Size from the open file, not the path: a put renaming a new file over it meanwhile does
    // not change what this handle reads.
    const info = await handle.stat();
    if (!info.isFile()) throw new ObjectNotFoundError(key);
    if (range === undefined) return handle.createReadStream();
    const { start, end } = clampByteRange(range, info.size);
    // autoClose (the default) closes the handle when the stream ends or is destroyed.
    return handle.createReadStream({ start, end });
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Removes a file or a folder tree; returns how many objects (not temporary files) went. */
async function removeTree(path: string, entry: Dirent): Promise<number> {
  if (!entry.isDirectory()) {
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return 0; // deleted concurrently: not ours to count
      throw error;
    }
    return entry.isFile() && isKeySegment(entry.name) ? 1 : 0;
  }
  let deleted = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
  for (const child of entries) deleted += await removeTree(join(path, child.name), child);
  await removeEmptyFolder(path);
  return deleted;
}

async function removeEmptyFolder(path: string): Promise<void> {
  try {
    await rmdir(path);
  } catch (error) {
    // Gone already, or a concurrent put has written into it again: both leave it as it should be.
    if (isMissing(error) || errorCode(error) === "ENOTEMPTY" || errorCode(error) === "EEXIST") {
      return;
    }
    throw error;
  }
}

function destroyBody(body: ObjectBody): void {
  // Like stream.pipeline: a failed put does not leave the caller's stream open (and its file
  // descriptor with it).
  const stream = body as { destroy?: unknown };
  if (typeof stream.destroy === "function") (body as Readable).destroy();
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** ENOENT, or ENOTDIR: a path component is a file, so the key is not a folder here. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** mkdir through a file (ENOTDIR/EEXIST), or rename onto a folder (EISDIR). */
function isFolderConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST";
}
