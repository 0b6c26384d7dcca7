import type {
  BoardId,
  BuildId,
  BuildState,
  BuildTransition,
  ConfigVersionId,
  JsonObject,
  ProjectId,
  UserId,
} from "@bbos/core";

import type { DbClient } from "../client.ts";
import type { ArtifactKind, BuildStatus, Prisma, Role } from "../../generated/prisma/client.ts";
import { transaction } from "../transaction.ts";
import type { WithIds } from "./with-ids.ts";

const buildSelect = {
  id: true,
  configVersionId: true,
  recipe: true,
  recipeVersion: true,
  status: true,
  stage: true,
  progress: true,
  cacheKey: true,
  builderImageId: true,
  fileVersionIds: true,
  priority: true,
  retryOfId: true,
  reproduceCommand: true,
  errorMessage: true,
  attempt: true,
  workerId: true,
  requestedById: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  cancelRequestedAt: true,
  configVersion: {
    select: {
      number: true,
      contentHash: true,
      createdAt: true,
      board: { select: { id: true, projectId: true } },
    },
  },
} satisfies Prisma.BuildSelect;

type BuildPayload = Prisma.BuildGetPayload<{ select: typeof buildSelect }>;

/** A build with the board and project it belongs to (through its config version). */
export type BuildRow = WithIds<
  Omit<BuildPayload, "configVersion">,
  {
    id: BuildId;
    configVersionId: ConfigVersionId;
    requestedById: UserId | null;
    retryOfId: BuildId | null;
  }
> & {
  boardId: BoardId;
  projectId: ProjectId;
  versionNumber: number;
  contentHash: string;
  /** When the config version was saved; builds derive their timestamps from it. */
  versionCreatedAt: Date;
};

/** A build as one member of its project sees it: with that member's role. */
export type MemberBuildRow = BuildRow & { role: Role };

function toBuildRow(row: BuildPayload): BuildRow {
  const { configVersion, ...build } = row;
  return {
    ...(build as Omit<
      BuildRow,
      "boardId" | "projectId" | "versionNumber" | "contentHash" | "versionCreatedAt"
    >),
    boardId: configVersion.board.id as BoardId,
    projectId: configVersion.board.projectId as ProjectId,
    versionNumber: configVersion.number,
    contentHash: configVersion.contentHash,
    versionCreatedAt: configVersion.createdAt,
  };
}

export interface CreateBuildInput {
  configVersionId: ConfigVersionId;
  recipe: string;
  recipeVersion: string;
  cacheKey: string;
  builderImageId: string;
  /** The project file versions the build copies. @defaultValue none */
  fileVersionIds?: readonly string[];
  priority: number;
  requestedById: UserId | null;
  retryOfId?: BuildId | null;
  reproduceCommand: string;
}

/** Records a new QUEUED build. */
export async function createBuild(db: DbClient, input: CreateBuildInput): Promise<BuildRow> {
  const { fileVersionIds = [], ...columns } = input;
  return toBuildRow(
    await db.build.create({
      data: { ...columns, fileVersionIds: [...fileVersionIds] },
      select: buildSelect,
    }),
  );
}

/** The build, or null. The caller checks access (the row names its project). */
export async function findBuild(db: DbClient, buildId: BuildId): Promise<BuildRow | null> {
  const row = await db.build.findUnique({ where: { id: buildId }, select: buildSelect });
  return row && toBuildRow(row);
}

/** The build with the user's role in its project, or null when absent or hidden. */
export async function findBuildForUser(
  db: DbClient,
  buildId: BuildId,
  userId: UserId,
): Promise<MemberBuildRow | null> {
  const row = await db.build.findUnique({
    where: { id: buildId },
    select: {
      ...buildSelect,
      configVersion: {
        select: {
          ...buildSelect.configVersion.select,
          board: {
            select: {
              ...buildSelect.configVersion.select.board.select,
              project: { select: { memberships: { where: { userId }, select: { role: true } } } },
            },
          },
        },
      },
    },
  });
  const membership = row?.configVersion.board.project.memberships[0];
  if (!row || !membership) return null;
  return { ...toBuildRow(row), role: membership.role };
}

/** A project file version a build copies into its image: which file, and where its bytes are. */
export interface BuildFileRow {
  fileId: string;
  versionId: string;
  size: number;
  sha256: string;
  storageKey: string;
}

/** A build with what its worker needs to plan it: the version's schema and config, its files. */
export type BuildWithConfigRow = BuildRow & {
  schemaId: string;
  config: JsonObject;
  /** The versions of `fileVersionIds` that still exist, in that order. */
  files: BuildFileRow[];
};

/** The build with its config version's config and the file versions it copies, or null. */
export async function findBuildWithConfig(
  db: DbClient,
  buildId: BuildId,
): Promise<BuildWithConfigRow | null> {
  const row = await db.build.findUnique({
    where: { id: buildId },
    select: {
      ...buildSelect,
      configVersion: {
        select: { ...buildSelect.configVersion.select, schemaId: true, config: true },
      },
    },
  });
  if (!row) return null;
  const versions = await db.fileVersion.findMany({
    where: { id: { in: row.fileVersionIds } },
    select: { id: true, fileId: true, size: true, sha256: true, storageKey: true },
  });
  const byId = new Map(versions.map(({ id, ...version }) => [id, { versionId: id, ...version }]));
  return {
    ...toBuildRow(row),
    schemaId: row.configVersion.schemaId,
    config: row.configVersion.config as JsonObject,
    files: row.fileVersionIds.flatMap((id) => byId.get(id) ?? []),
  };
}

/**
 * The board's newest SUCCEEDED build with this cache key that still has its image, or null: a
 * build request with the same key can be answered with it.
 */
export async function findReusableBuild(
  db: DbClient,
  cacheKey: string,
  boardId: BoardId,
): Promise<BuildRow | null> {
  const row = await db.build.findFirst({
    where: {
      cacheKey,
      status: "SUCCEEDED",
      artifacts: { some: { kind: "IMAGE" } },
      configVersion: { boardId },
    },
    orderBy: { finishedAt: "desc" },
    select: buildSelect,
  });
  return row && toBuildRow(row);
}

/** Filters for {@link listBuilds}. */
export interface BuildFilter {
  status?: readonly BuildStatus[];
  boardId?: BoardId;
}

/**
 * The project's builds, newest first, `first` of them after the build `after` (keyset
 * pagination on (queuedAt, id), so new builds never shift a page).
 */
export async function listBuilds(
  db: DbClient,
  projectId: ProjectId,
  { filter = {}, first, after }: { filter?: BuildFilter; first: number; after?: BuildId | null },
): Promise<BuildRow[]> {
  const rows = await db.build.findMany({
    where: buildWhere(projectId, filter),
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: first,
    ...(after ? { cursor: { id: after }, skip: 1 } : {}),
    select: buildSelect,
  });
  return rows.map(toBuildRow);
}

/** How many of the project's builds match `filter`. */
export function countBuilds(
  db: DbClient,
  projectId: ProjectId,
  filter: BuildFilter = {},
): Promise<number> {
  return db.build.count({ where: buildWhere(projectId, filter) });
}

function buildWhere(projectId: ProjectId, filter: BuildFilter): Prisma.BuildWhereInput {
  return {
    configVersion: {
      board: { projectId, ...(filter.boardId ? { id: filter.boardId } : {}) },
    },
    ...(filter.status ? { status: { in: [...filter.status] } } : {}),
  };
}

/**
 * Where a QUEUED build stands in line: 1 + the queued builds that run before it (higher
 * priority, or equal priority and queued earlier).
 */
export async function queuePosition(
  db: DbClient,
  build: Pick<BuildRow, "id" | "priority" | "queuedAt">,
): Promise<number> {
  const ahead = await db.build.count({
    where: {
      status: "QUEUED",
      id: { not: build.id },
      OR: [
        { priority: { gt: build.priority } },
        { priority: build.priority, queuedAt: { lt: build.queuedAt } },
        { priority: build.priority, queuedAt: build.queuedAt, id: { lt: build.id } },
      ],
    },
  });
  return ahead + 1;
}

/**
 * How long the last `limit` successful builds of this board with this recipe took (start of
 * their last attempt to finish), newest first.
 */
export async function successfulBuildDurations(
  db: DbClient,
  boardId: BoardId,
  recipe: string,
  limit = 20,
): Promise<number[]> {
  const rows = await db.build.findMany({
    where: {
      recipe,
      status: "SUCCEEDED",
      startedAt: { not: null },
      finishedAt: { not: null },
      configVersion: { boardId },
    },
    orderBy: { finishedAt: "desc" },
    take: limit,
    select: { startedAt: true, finishedAt: true },
  });
  return rows.flatMap(({ startedAt, finishedAt }) =>
    startedAt && finishedAt ? [finishedAt.getTime() - startedAt.getTime()] : [],
  );
}

/** Builds that have not ended, oldest first: what reconciliation with the queue looks at. */
export async function listUnfinishedBuilds(db: DbClient): Promise<BuildRow[]> {
  const rows = await db.build.findMany({
    where: { status: { in: ["QUEUED", "RUNNING"] } },
    orderBy: { queuedAt: "asc" },
    select: buildSelect,
  });
  return rows.map(toBuildRow);
}

/** An artifact to record with a build's success. */
export interface ArtifactInput {
  kind: ArtifactKind;
  name: string;
  size: number;
  sha256: string;
  storageKey: string;
  contentType: string;
}

export const artifactSelect = {
  id: true,
  buildId: true,
  kind: true,
  name: true,
  size: true,
  sha256: true,
  storageKey: true,
  contentType: true,
  createdAt: true,
} satisfies Prisma.ArtifactSelect;

/** A stored file of a build. */
export type ArtifactRow = WithIds<
  Prisma.ArtifactGetPayload<{ select: typeof artifactSelect }>,
  { buildId: BuildId }
>;

/** The outcome of {@link changeBuild}. */
export type BuildChange =
  | { ok: true; build: BuildRow; previous: BuildState }
  | { ok: false; reason: string; build: BuildRow };

/**
 * Applies one state transition to a build in one transaction: locks the row, hands its state to
 * `change` (the core's `transition` with the event), and writes the result. When the change
 * succeeds the build and `artifacts` are given, they are recorded in the same transaction, so a
 * build has either its whole artifact set or none. Null when there is no such build.
 */
export function changeBuild(
  db: DbClient,
  buildId: BuildId,
  change: (state: BuildState) => BuildTransition,
  options: { artifacts?: readonly ArtifactInput[] } = {},
): Promise<BuildChange | null> {
  return transaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Build" WHERE "id" = ${buildId}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const current = toBuildRow(
      await tx.build.findUniqueOrThrow({ where: { id: buildId }, select: buildSelect }),
    );
    const previous = stateOf(current);
    const result = change(previous);
    if (!result.ok) return { ok: false, reason: result.reason, build: current };
    const updated = await tx.build.update({
      where: { id: buildId },
      data: result.state,
      select: buildSelect,
    });
    if (result.state.status === "SUCCEEDED" && options.artifacts?.length) {
      await tx.artifact.createMany({
        data: options.artifacts.map((artifact) => ({
          ...artifact,
          buildId,
          size: BigInt(artifact.size),
        })),
      });
    }
    return { ok: true, build: toBuildRow(updated), previous };
  });
}

function stateOf(build: BuildRow): BuildState {
  return {
    status: build.status,
    attempt: build.attempt,
    workerId: build.workerId,
    stage: build.stage,
    progress: build.progress,
    errorMessage: build.errorMessage,
    startedAt: build.startedAt,
    finishedAt: build.finishedAt,
    cancelRequestedAt: build.cancelRequestedAt,
  };
}

/** The build's artifacts, in a stable order (kind, then name). */
export async function listArtifacts(db: DbClient, buildId: BuildId): Promise<ArtifactRow[]> {
  const rows = await db.artifact.findMany({
    where: { buildId },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
    select: artifactSelect,
  });
  return rows as ArtifactRow[];
}

/** Which earlier builds {@link findFirstBuildArtifact} looks at, and the artifact's name. */
interface FirstBuildArtifactQuery {
  configVersionId: ConfigVersionId;
  recipe: string;
  recipeVersion: string;
  name: string;
}

/**
 * The artifact `name` of the config version's earliest finished SUCCEEDED build with this recipe
 * and recipe version that still has it, or null: what a later build of the same version reuses
 * (the package set the first build recorded).
 */
export async function findFirstBuildArtifact(
  db: DbClient,
  query: FirstBuildArtifactQuery,
): Promise<ArtifactRow | null> {
  const row = await db.artifact.findFirst({
    where: {
      name: query.name,
      build: {
        configVersionId: query.configVersionId,
        recipe: query.recipe,
        recipeVersion: query.recipeVersion,
        status: "SUCCEEDED",
      },
    },
    orderBy: [{ build: { finishedAt: "asc" } }, { createdAt: "asc" }],
    select: artifactSelect,
  });
  return row as ArtifactRow | null;
}

/** The artifact with the user's role in its build's project, or null when absent or hidden. */
export async function findArtifactForUser(
  db: DbClient,
  artifactId: string,
  userId: UserId,
): Promise<(ArtifactRow & { role: Role }) | null> {
  const row = await db.artifact.findUnique({
    where: { id: artifactId },
    select: {
      ...artifactSelect,
      build: {
        select: {
          configVersion: {
            select: {
              board: {
                select: {
                  project: {
                    select: { memberships: { where: { userId }, select: { role: true } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  });
  const membership = row?.build.configVersion.board.project.memberships[0];
  if (!row || !membership) return null;
  const { build: _build, ...artifact } = row;
  return { ...(artifact as ArtifactRow), role: membership.role };
}

/** Forgets the build's artifact rows and returns them, so the caller deletes their objects. */
export function deleteArtifacts(db: DbClient, buildId: BuildId): Promise<ArtifactRow[]> {
  return transaction(db, async (tx) => {
    const rows = await listArtifacts(tx, buildId);
    await tx.artifact.deleteMany({ where: { buildId } });
    return rows;
  });
}
