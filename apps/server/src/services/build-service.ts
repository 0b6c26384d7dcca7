// Build use cases: start (validate, cache key, reuse or enqueue), cancel, retry, read, and the
// live streams (log, updates). PostgreSQL is the record; the queue carries the work; the state
// machine in the core decides every transition (`changeBuild` applies it in one transaction).
import {
  buildCacheKey,
  buildStages,
  can,
  DomainError,
  estimateRemainingMs,
  imageCompressionOf,
  isBuildId,
  isConfigVersionId,
  isProjectId,
  isTerminal,
  transition,
  type BuildEvent,
  type BuildId,
  type JsonObject,
  type Recipe,
  type ValidationResult,
} from "@bbos/core";
import {
  changeBuild,
  countBuilds,
  createBuild,
  deleteArtifacts,
  findBoard,
  findBuild,
  findBuildForUser,
  findProjectForUser,
  findReusableBuild,
  findUser,
  findVersionForUser,
  findVersionsById,
  listArtifacts,
  listBuilds,
  queuePosition,
  successfulBuildDurations,
  type ArtifactRow,
  type BuildFilter,
  type BuildRow,
  type Db,
  type MemberBuildRow,
  type UserRow,
} from "@bbos/db";
import {
  enqueueBuild,
  MAX_BUILD_PRIORITY as MAX_PRIORITY,
  type BuildLogLine,
  type BuildQueue,
} from "@bbos/queue";

import type { BuildEvents } from "./build-events.ts";
import { forbidden, requireViewer } from "./board-access.ts";
import { withIssues } from "./lift-secrets.ts";
import { referencedFiles } from "./referenced-files.ts";
import type { ValidationService } from "./validation-service.ts";

const BUILD_NOT_FOUND = "No such build, or you are not a member of its project.";
const VERSION_NOT_FOUND = "No such version, or you are not a member of its board's project.";
const PROJECT_NOT_FOUND = "No such project, or you are not a member.";

/** What the build use cases are built from. */
export interface BuildServiceOptions {
  db: Db;
  validation: ValidationService;
  queue: BuildQueue;
  events: BuildEvents;
  /** The recipes the build workers run, by id. */
  recipes: ReadonlyMap<string, Recipe>;
  /** The hash of the builder image's definition; part of every cache key. */
  builderImageId: string;
  /** Where the viewer downloads an artifact. */
  downloadUrl: (artifact: ArtifactRow) => Promise<string>;
  /** Removes every stored file of the build (all its attempts). */
  deleteStored: (buildId: BuildId) => Promise<void>;
}

export interface StartBuildArgs {
  versionId: string;
  recipe?: string | null;
  priority?: number | null;
  force?: boolean | null;
}

export interface StartBuildResult {
  build: BuildRow | null;
  reused: boolean;
  validation: ValidationResult;
}

export function createBuildService(options: BuildServiceOptions) {
  const { db, validation, queue, events, recipes } = options;

  async function readable(viewer: UserRow | null, buildId: string): Promise<MemberBuildRow | null> {
    const user = requireViewer(viewer);
    if (!isBuildId(buildId)) return null;
    const build = await findBuildForUser(db, buildId, user.id);
    if (build && !can(build.role, "project.read")) throw forbidden(build.role, "project.read");
    return build;
  }

  async function runnable(viewer: UserRow | null, buildId: string): Promise<MemberBuildRow> {
    const build = await readable(viewer, buildId);
    if (!build) throw new DomainError("NOT_FOUND", BUILD_NOT_FOUND);
    if (!can(build.role, "build.run")) throw forbidden(build.role, "build.run");
    return build;
  }

  function recipeFor(id: string, config: JsonObject): Recipe {
    const recipe = recipes.get(id);
    if (!recipe) {
      const known = [...recipes.keys()].join(", ") || "none";
      throw new DomainError(
        "BAD_INPUT",
        `No build worker has the recipe "${id}" (known: ${known}).`,
        {
          details: { field: "recipe" },
        },
      );
    }
    const supported = recipe.supports(config);
    if (!supported.ok) {
      throw new DomainError(
        "BAD_INPUT",
        `Recipe "${id}" cannot build this config: ${supported.reason}`,
        {
          details: { field: "recipe" },
        },
      );
    }
    return recipe;
  }

  async function change(build: BuildRow, event: BuildEvent): Promise<BuildRow> {
    const changed = await changeBuild(db, build.id, (state) => transition(state, event));
    if (!changed) throw new DomainError("NOT_FOUND", BUILD_NOT_FOUND);
    if (!changed.ok) {
      throw new DomainError("CONFLICT", `Build ${build.id}: ${changed.reason}.`, {
        details: { status: changed.build.status },
      });
    }
    await events.published(changed.build);
    return changed.build;
  }

  async function enqueue(build: BuildRow, requestedBy: string): Promise<BuildRow> {
    await enqueueBuild(queue, { buildId: build.id, requestedBy }, { priority: build.priority });
    await events.published(build);
    return build;
  }

  return {
    get: readable,

    /**
     * Builds a config version. An invalid config starts nothing (`build: null`), nor does one
     * naming a file its project does not have; a successful build with the same cache key (which
     * covers the newest version of each referenced file) that still has its artifacts answers at
     * once (`reused`), unless `force`.
     *
     * @throws DomainError `NOT_FOUND` (version absent or hidden), `FORBIDDEN` (role),
     *   `BAD_INPUT` (unknown recipe, one that cannot build the board, priority out of range).
     */
    async start(viewer: UserRow | null, args: StartBuildArgs): Promise<StartBuildResult> {
      const user = requireViewer(viewer);
      const version = isConfigVersionId(args.versionId)
        ? await findVersionForUser(db, args.versionId, user.id)
        : null;
      if (!version) throw new DomainError("NOT_FOUND", VERSION_NOT_FOUND);
      if (!can(version.role, "build.run")) throw forbidden(version.role, "build.run");
      const priority = args.priority ?? 0;
      if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
        throw new DomainError(
          "BAD_INPUT",
          `priority must be a whole number from -${MAX_PRIORITY} to ${MAX_PRIORITY}.`,
          {
            details: { field: "priority" },
          },
        );
      }
      const schemaVerdict = validation.validate(version.schemaId, version.config);
      if (!schemaVerdict.valid) return { build: null, reused: false, validation: schemaVerdict };
      const referenced = await referencedFiles(db, version.boardId, version.config);
      const verdict = withIssues(schemaVerdict, referenced.issues);
      if (!verdict.valid) return { build: null, reused: false, validation: verdict };

      const configRecipe = (version.config.build as { recipe?: unknown } | undefined)?.recipe;
      const recipeId = args.recipe ?? (typeof configRecipe === "string" ? configRecipe : "debian");
      const recipe = recipeFor(recipeId, version.config);
      const cacheKey = buildCacheKey({
        contentHash: version.contentHash,
        recipe,
        builderImageId: options.builderImageId,
        // A new upload of a referenced file makes a new key (the config names files by id).
        files: referenced.files.map((file) => ({
          path: file.path,
          sha256: file.latestVersion.sha256,
        })),
      });
      if (!args.force) {
        // Reuse stays within the board: another board's build of the same content has
        // artifacts named after, and shared with, a board the viewer may not see.
        const reusable = await findReusableBuild(db, cacheKey, version.boardId);
        if (reusable) return { build: reusable, reused: true, validation: verdict };
      }
      const build = await createBuild(db, {
        configVersionId: version.id,
        recipe: recipe.id,
        recipeVersion: recipe.version,
        cacheKey,
        builderImageId: options.builderImageId,
        fileVersionIds: referenced.files.map((file) => file.latestVersion.id),
        priority,
        requestedById: user.id,
        reproduceCommand: reproduceCommand(version.id, recipe, version.contentHash),
      });
      return { build: await enqueue(build, user.id), reused: false, validation: verdict };
    },

    /** @throws DomainError `NOT_FOUND`, `FORBIDDEN`, or `CONFLICT` when it has ended. */
    async cancel(viewer: UserRow | null, buildId: string): Promise<BuildRow> {
      const build = await runnable(viewer, buildId);
      const changed = await change(build, { type: "requestCancel", at: new Date() });
      if (changed.status === "CANCELED") {
        // It was queued: take its job off the queue. A worker that took it meanwhile finds the
        // build canceled and skips it.
        await queue.remove(build.id).catch(() => 0);
      } else {
        await events.cancel(build.id);
      }
      return changed;
    },

    /** A new build of an ended build's version and recipe. @throws DomainError as `cancel`. */
    async retry(viewer: UserRow | null, buildId: string): Promise<BuildRow> {
      const user = requireViewer(viewer);
      const build = await runnable(viewer, buildId);
      if (!isTerminal(build.status)) {
        throw new DomainError(
          "CONFLICT",
          `Build ${build.id} has not ended (${build.status}); cancel it first.`,
        );
      }
      const recipe = recipes.get(build.recipe);
      const retried = await createBuild(db, {
        configVersionId: build.configVersionId,
        recipe: build.recipe,
        recipeVersion: recipe?.version ?? build.recipeVersion,
        cacheKey: build.cacheKey,
        builderImageId: options.builderImageId,
        // The same inputs as the build it repeats, whatever was uploaded since.
        fileVersionIds: build.fileVersionIds,
        priority: build.priority,
        requestedById: user.id,
        retryOfId: build.id,
        reproduceCommand: build.reproduceCommand ?? "",
      });
      return enqueue(retried, user.id);
    },

    /**
     * Deletes an ended build's artifacts: the records first (so nothing offers them any more),
     * then the stored files. @throws DomainError as `cancel`, `CONFLICT` while it runs.
     */
    async deleteArtifacts(viewer: UserRow | null, buildId: string) {
      const build = await runnable(viewer, buildId);
      if (!isTerminal(build.status)) {
        throw new DomainError("CONFLICT", `Build ${build.id} has not ended (${build.status}).`);
      }
      const deleted = await deleteArtifacts(db, build.id);
      await options.deleteStored(build.id);
      await events.published(build);
      return { build, deletedCount: deleted.length };
    },

    /**
     * A page of the project's builds, newest first, and how many match the filter.
     * @throws DomainError `NOT_FOUND` for non-members.
     */
    async list(
      viewer: UserRow | null,
      projectId: string,
      page: { first: number; after?: BuildId | null; filter?: BuildFilter },
    ): Promise<{ rows: BuildRow[]; totalCount: number }> {
      const user = requireViewer(viewer);
      const project = isProjectId(projectId)
        ? await findProjectForUser(db, projectId, user.id)
        : null;
      if (!project) throw new DomainError("NOT_FOUND", PROJECT_NOT_FOUND);
      const [rows, totalCount] = await Promise.all([
        listBuilds(db, project.id, page),
        countBuilds(db, project.id, page.filter),
      ]);
      return { rows, totalCount };
    },

    /** 1 for the next build to run; null unless QUEUED. */
    queuePosition: (build: BuildRow) =>
      build.status === "QUEUED" ? queuePosition(db, build) : Promise.resolve(null),

    /** Seconds left, from earlier builds of the board and recipe; null when unknown or ended. */
    async etaSeconds(build: BuildRow): Promise<number | null> {
      if (isTerminal(build.status)) return null;
      const historyMs = await successfulBuildDurations(db, build.boardId, build.recipe);
      const elapsedMs = build.startedAt ? Date.now() - build.startedAt.getTime() : 0;
      const remaining = estimateRemainingMs({ historyMs, elapsedMs, progress: build.progress });
      return remaining === null ? null : Math.ceil(remaining / 1000);
    },

    /** The build's version, board and requester; the caller has checked access to `build`. */
    async version(build: BuildRow) {
      const [version] = await findVersionsById(db, [build.configVersionId]);
      if (!version) throw new DomainError("NOT_FOUND", VERSION_NOT_FOUND);
      return version;
    },
    async board(build: BuildRow) {
      const board = await findBoard(db, build.boardId);
      if (!board) throw new DomainError("NOT_FOUND", BUILD_NOT_FOUND);
      return board;
    },
    requestedBy: (build: BuildRow) =>
      build.requestedById ? findUser(db, build.requestedById) : null,

    /** The build this one repeats. The caller has checked access to `build` (same project). */
    retryOf: (build: BuildRow) => (build.retryOfId ? findBuild(db, build.retryOfId) : null),

    artifacts: (build: BuildRow) => listArtifacts(db, build.id),

    downloadUrl: (artifact: ArtifactRow) => options.downloadUrl(artifact),

    recipes: () => [...recipes.values()],

    /**
     * The stages the build goes through: its recipe's, then compression as its config asks;
     * none when no worker has the recipe any more.
     */
    async stages(build: BuildRow) {
      const recipe = recipes.get(build.recipe);
      if (!recipe) return [];
      const [version] = await findVersionsById(db, [build.configVersionId]);
      return [...buildStages(recipe.stages, version ? imageCompressionOf(version.config) : "xz")];
    },

    /** The log after `after`, then live, until the build's log ends or `signal` aborts. */
    async log(
      viewer: UserRow | null,
      buildId: string,
      after: number,
      signal: AbortSignal,
    ): Promise<AsyncIterable<BuildLogLine>> {
      const build = await readable(viewer, buildId);
      if (!build) throw new DomainError("NOT_FOUND", BUILD_NOT_FOUND);
      if (!Number.isSafeInteger(after) || after < 0) {
        throw new DomainError("BAD_INPUT", "after must be 0 or a line's seq.", {
          details: { field: "after" },
        });
      }
      return events.log(build, after, signal);
    },

    /** The build now, then on every change, until `signal` aborts. */
    async updates(viewer: UserRow | null, buildId: string, signal: AbortSignal) {
      const build = await readable(viewer, buildId);
      if (!build) throw new DomainError("NOT_FOUND", BUILD_NOT_FOUND);
      return events.buildUpdates(build, signal);
    },

    /** Every build of the project that changes, until `signal` aborts. */
    async projectUpdates(viewer: UserRow | null, projectId: string, signal: AbortSignal) {
      const user = requireViewer(viewer);
      const project = isProjectId(projectId)
        ? await findProjectForUser(db, projectId, user.id)
        : null;
      if (!project) throw new DomainError("NOT_FOUND", PROJECT_NOT_FOUND);
      return events.projectUpdates(project.id, signal);
    },
  };
}

export type BuildService = ReturnType<typeof createBuildService>;

/** The GraphQL call that builds the same version with the same recipe again. */
function reproduceCommand(versionId: string, recipe: Recipe, contentHash: string): string {
  return (
    `mutation { startBuild(input: { versionId: "${versionId}", recipe: "${recipe.id}", force: true }) { build { id } } }` +
    `  # config sha256 ${contentHash}, recipe ${recipe.id} ${recipe.version}`
  );
}
