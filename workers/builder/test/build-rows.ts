// Build rows for the worker's tests, made through the repositories the way the API makes them:
// one user, project, board and config version per factory, then as many builds of that version
// as a test asks for.
import { createHash, randomUUID } from "node:crypto";

import {
  createBoard,
  createBuild,
  createConfigVersion,
  createProject,
  upsertGithubUser,
  type ArtifactInput,
  type BuildRow,
  type CreateBuildInput,
  type Db,
} from "@bbos/db";

/** Records a QUEUED build of the factory's config version. */
export type MakeBuild = (overrides?: Partial<CreateBuildInput>) => Promise<BuildRow>;

/** The config every factory's version holds. */
export const TEST_CONFIG = { board: "qemu-arm64" };
export const TEST_SCHEMA_ID = "board-config/2";

/** Makes the owner, project, board and version once; returns the build factory. */
export async function createBuildFactory(db: Db): Promise<MakeBuild> {
  const tag = randomUUID().slice(0, 8);
  const owner = await upsertGithubUser(db, {
    githubId: BigInt(`0x${tag}`),
    login: `builder-${tag}`,
  });
  const project = await createProject(db, {
    slug: `builder-${tag}`,
    name: "Builder tests",
    ownerId: owner.id,
  });
  const board = await createBoard(db, {
    projectId: project.id,
    name: "board",
    schemaId: TEST_SCHEMA_ID,
  });
  const created = await createConfigVersion(db, {
    boardId: board.id,
    schemaId: TEST_SCHEMA_ID,
    config: TEST_CONFIG,
    contentHash: createHash("sha256").update(tag).digest("hex"),
    message: "",
    authorId: owner.id,
    stateVector: null,
  });
  if (!created) throw new Error("the board of the build factory vanished");
  const configVersionId = created.version.id;
  return (overrides = {}) =>
    createBuild(db, {
      configVersionId,
      recipe: "test",
      recipeVersion: "1",
      cacheKey: "k".repeat(64),
      builderImageId: "i".repeat(16),
      priority: 0,
      requestedById: owner.id,
      reproduceCommand: "bbos build",
      ...overrides,
    });
}

/** What a recipe runner returns for one attempt: an image and its checksum, under unique keys. */
export function artifactSet(label: string): ArtifactInput[] {
  const key = `builds/${label}/${randomUUID()}`;
  return [
    {
      kind: "IMAGE",
      name: `${label}.img.zst`,
      size: 3_145_728,
      sha256: "a".repeat(64),
      storageKey: `${key}/${label}.img.zst`,
      contentType: "application/zstd",
    },
    {
      kind: "CHECKSUM",
      name: `${label}.sha256`,
      size: 80,
      sha256: "b".repeat(64),
      storageKey: `${key}/${label}.sha256`,
      contentType: "text/plain",
    },
  ];
}
