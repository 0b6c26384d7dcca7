import { randomUUID } from "node:crypto";

import type { SecretReference } from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { SecretKeyRing } from "../secrets/key-ring.ts";
import { isUniqueViolation } from "../unique-violation.ts";

export interface StoreSecretInput {
  projectId: string;
  boardId: string;
  /** The field's JSON Pointer, e.g. `/network/wifi/psk`. */
  field: string;
  value: string;
  createdById: string | null;
  /**
   * The secret the field refers to now: the value becomes its next revision when that secret
   * is this board's own and set at this field, else a new secret is made.
   */
  current: SecretReference | null;
  /** The id a new secret gets. @defaultValue a random UUID */
  newId?: string;
}

/** What a sealed value is bound to: a row's ciphertext never opens as another row's. */
function sealingContext(projectId: string, secretId: string, revision: number): string {
  return `bbos-secret\u0000${projectId}\u0000${secretId}\u0000${revision}`;
}

/**
 * Seals `value` and stores it as a new revision; returns the reference a config holds. Two
 * concurrent writers of one secret get consecutive revisions.
 */
export async function storeSecret(
  db: DbClient,
  ring: SecretKeyRing,
  input: StoreSecretInput,
): Promise<SecretReference> {
  const own = input.current
    ? await db.secretRevision.findFirst({
        where: {
          secretId: input.current.secretId,
          projectId: input.projectId,
          boardId: input.boardId,
          field: input.field,
        },
        orderBy: { revision: "desc" },
        select: { secretId: true, revision: true },
      })
    : null;
  const secretId = own?.secretId ?? input.newId ?? randomUUID();
  let revision = (own?.revision ?? 0) + 1;
  for (;;) {
    const { keyId, sealed } = ring.seal(
      input.value,
      sealingContext(input.projectId, secretId, revision),
    );
    try {
      await db.secretRevision.create({
        data: {
          secretId,
          revision,
          projectId: input.projectId,
          boardId: input.boardId,
          field: input.field,
          keyId,
          sealed: Buffer.from(sealed),
          createdById: input.createdById,
        },
      });
      return { secretId, revision };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      revision += 1;
    }
  }
}

/**
 * The value a reference stands for, opened with `ring`; null when the project has no such
 * secret revision (a reference copied from another project resolves to nothing).
 */
export async function resolveSecret(
  db: DbClient,
  ring: SecretKeyRing,
  projectId: string,
  reference: SecretReference,
): Promise<string | null> {
  const row = await db.secretRevision.findFirst({
    where: { secretId: reference.secretId, revision: reference.revision, projectId },
    select: { keyId: true, sealed: true },
  });
  if (!row) return null;
  return ring.open(row, sealingContext(projectId, reference.secretId, reference.revision));
}
