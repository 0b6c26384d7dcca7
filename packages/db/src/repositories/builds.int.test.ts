import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { randomUUID } from "node:crypto";

import type { BuildId, BuildState, BuildTransition } from "@bbos/core";
import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import { createBoard } from "./boards.ts";
import { addFileVersion } from "./project-files.ts";
import {
  changeBuild,
  countBuilds,
  createBuild,
  deleteArtifacts,
  findArtifactForUser,
  findBuildForUser,
  findBuildWithConfig,
  findFirstBuildArtifact,
  findReusableBuild,
  listArtifacts,
  listBuilds,
  queuePosition,
  successfulBuildDurations,
  type ArtifactInput,
  type CreateBuildInput,
} from "./builds.ts";
import { createProject } from "./projects.ts";
import { upsertGithubUser } from "./users.ts";
import { createConfigVersion } from "./versions.ts";

// The repository applies whatever transition it is given; these stand in for the core's state
// machine, which has its own tests.
const running = (state: BuildState): BuildTransition => ({
  ok: true,
  state: { ...state, status: "RUNNING", attempt: state.attempt + 1, startedAt: new Date() },
});
const succeeded = (state: BuildState): BuildTransition =>
  state.status === "RUNNING"
    ? { ok: true, state: { ...state, status: "SUCCEEDED", progress: 1, finishedAt: new Date() } }
    : { ok: false, reason: `not running (${state.status})`, state };

const artifact = (name: string): ArtifactInput => ({
  kind: name.endsWith(".img.zst") ? "IMAGE" : "CHECKSUM",
  name,
  size: 5_000_000_000,
  sha256: "e".repeat(64),
  storageKey: `builds/${name}-${Math.random()}`,
  contentType: "application/octet-stream",
});

describe("build repository", () => {
  let db: Db;
  let fixture: Awaited<ReturnType<typeof makeFixture>>;

  async function makeFixture() {
    const owner = await upsertGithubUser(db, { githubId: 7n, login: "builder-owner" });
    const stranger = await upsertGithubUser(db, { githubId: 8n, login: "stranger" });
    const project = await createProject(db, { slug: "b", name: "B", ownerId: owner.id });
    const board = await createBoard(db, {
      projectId: project.id,
      name: "b",
      schemaId: "board-config/2",
    });
    const created = await createConfigVersion(db, {
      boardId: board.id,
      schemaId: "board-config/2",
      config: { board: "qemu-arm64" },
      contentHash: "c".repeat(64),
      message: "",
      authorId: owner.id,
      stateVector: null,
    });
    if (!created) throw new Error("the board has no version");
    return { owner, stranger, project, board, versionId: created.version.id };
  }

  const input = (overrides: Partial<CreateBuildInput> = {}): CreateBuildInput => ({
    configVersionId: fixture.versionId,
    recipe: "test",
    recipeVersion: "1",
    cacheKey: "k".repeat(64),
    builderImageId: "i".repeat(16),
    priority: 0,
    requestedById: fixture.owner.id,
    reproduceCommand: "bbos build",
    ...overrides,
  });

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 6 });
    fixture = await makeFixture();
  });
  afterAll(() => db?.$disconnect());

  it("creates a queued build that names its board, project and config", async () => {
    const build = await createBuild(db, input());
    expect(build).toMatchObject({
      status: "QUEUED",
      attempt: 0,
      boardId: fixture.board.id,
      projectId: fixture.project.id,
      versionNumber: 1,
      contentHash: "c".repeat(64),
    });
    const withConfig = await findBuildWithConfig(db, build.id);
    expect(withConfig).toMatchObject({
      schemaId: "board-config/2",
      config: { board: "qemu-arm64" },
    });
  });

  it("gives the worker the file versions a build copies, in the build's order", async () => {
    const version = async (path: string, sha: string) => {
      const versionId = randomUUID();
      const file = await addFileVersion(db, {
        projectId: fixture.project.id,
        path,
        versionId,
        storageKey: `files/${versionId}`,
        size: 3,
        sha256: sha.repeat(64),
        authorId: fixture.owner.id,
      });
      return { fileId: file.id, versionId };
    };
    const motd = await version("motd", "a");
    const script = await version("hello.sh", "b");
    const missing = randomUUID();
    const build = await createBuild(
      db,
      input({ fileVersionIds: [script.versionId, missing, motd.versionId] }),
    );
    const withConfig = await findBuildWithConfig(db, build.id);
    expect(withConfig?.files).toEqual([
      { ...script, size: 3, sha256: "b".repeat(64), storageKey: `files/${script.versionId}` },
      { ...motd, size: 3, sha256: "a".repeat(64), storageKey: `files/${motd.versionId}` },
    ]);
  });

  it("finds the package set a version's first successful build recorded, while it has one", async () => {
    const created = await createConfigVersion(db, {
      boardId: fixture.board.id,
      schemaId: "board-config/2",
      config: { board: "qemu-arm64", note: "package sets" },
      contentHash: "d".repeat(64),
      message: "",
      authorId: fixture.owner.id,
      stateVector: null,
    });
    if (!created) throw new Error("no version");
    const configVersionId = created.version.id;
    const name = "bbos.packages.sha256";
    const succeededWith = async (overrides: Partial<CreateBuildInput>, names: string[]) => {
      const build = await createBuild(db, input({ configVersionId, ...overrides }));
      await changeBuild(db, build.id, running);
      await changeBuild(db, build.id, succeeded, { artifacts: names.map(artifact) });
      return build;
    };
    const query = { configVersionId, recipe: "test", recipeVersion: "1", name };
    expect(await findFirstBuildArtifact(db, query)).toBeNull();
    await succeededWith({ recipeVersion: "0" }, [name]);
    await succeededWith({}, ["other.txt"]);
    const first = await succeededWith({}, [name]);
    const second = await succeededWith({}, [name]);
    expect(await findFirstBuildArtifact(db, query)).toMatchObject({ buildId: first.id, name });
    await deleteArtifacts(db, first.id);
    expect(await findFirstBuildArtifact(db, query)).toMatchObject({ buildId: second.id, name });
    expect(await findFirstBuildArtifact(db, { ...query, recipe: "debian" })).toBeNull();
  });

  it("shows a build to members only", async () => {
    const build = await createBuild(db, input());
    expect(await findBuildForUser(db, build.id, fixture.owner.id)).toMatchObject({ role: "OWNER" });
    expect(await findBuildForUser(db, build.id, fixture.stranger.id)).toBeNull();
  });

  it("records artifacts only with an accepted success, and serialises concurrent changes", async () => {
    const build = await createBuild(db, input({ cacheKey: "1".repeat(64) }));
    await changeBuild(db, build.id, running);
    // Two workers report success at once: the row lock lets one through, the other sees SUCCEEDED.
    const results = await Promise.all([
      changeBuild(db, build.id, succeeded, {
        artifacts: [artifact("a.img.zst"), artifact("a.sha256")],
      }),
      changeBuild(db, build.id, succeeded, {
        artifacts: [artifact("a.img.zst"), artifact("a.sha256")],
      }),
    ]);
    expect(results.map((result) => result?.ok).sort()).toEqual([false, true]);
    const artifacts = await listArtifacts(db, build.id);
    expect(artifacts.map((row) => [row.kind, row.name, row.size])).toEqual([
      ["IMAGE", "a.img.zst", 5_000_000_000n],
      ["CHECKSUM", "a.sha256", 5_000_000_000n],
    ]);
    expect(await findReusableBuild(db, "1".repeat(64), fixture.board.id)).toMatchObject({
      id: build.id,
    });
    expect(await findArtifactForUser(db, artifacts[0]?.id ?? "", fixture.stranger.id)).toBeNull();

    const deleted = await deleteArtifacts(db, build.id);
    expect(deleted).toHaveLength(2);
    expect(await findReusableBuild(db, "1".repeat(64), fixture.board.id)).toBeNull();
  });

  it("returns null for a change of a missing build", async () => {
    expect(
      await changeBuild(db, "00000000-0000-4000-8000-000000000000" as BuildId, running),
    ).toBeNull();
  });

  it("counts the queue position by priority, then age", async () => {
    const first = await createBuild(db, input());
    const second = await createBuild(db, input());
    const urgent = await createBuild(db, input({ priority: 10 }));
    const before = await queuePosition(db, first);
    expect(await queuePosition(db, urgent)).toBe(1);
    expect(await queuePosition(db, second)).toBe(before + 1);
  });

  it("lists a project's builds newest first, page by page, and filters by status", async () => {
    const [newest, second] = await listBuilds(db, fixture.project.id, { first: 2 });
    if (!newest || !second) throw new Error("expected two builds");
    const page2 = await listBuilds(db, fixture.project.id, { first: 2, after: second.id });
    expect(page2.map((build) => build.id)).not.toContain(newest.id);
    expect(page2.map((build) => build.id)).not.toContain(second.id);
    expect(newest.queuedAt >= second.queuedAt).toBe(true);
    const succeededOnly = await listBuilds(db, fixture.project.id, {
      first: 50,
      filter: { status: ["SUCCEEDED"] },
    });
    expect(succeededOnly.every((build) => build.status === "SUCCEEDED")).toBe(true);
    expect(await countBuilds(db, fixture.project.id, { status: ["SUCCEEDED"] })).toBe(
      succeededOnly.length,
    );
  });

  it("reads the durations of the board's successful builds of a recipe", async () => {
    const build = await createBuild(db, input({ recipe: "timed" }));
    await changeBuild(db, build.id, (state) => ({
      ok: true,
      state: {
        ...state,
        status: "SUCCEEDED",
        startedAt: new Date("2026-12-02T10:00:00Z"),
        finishedAt: new Date("2026-12-02T10:03:00Z"),
      },
    }));
    expect(await successfulBuildDurations(db, fixture.board.id, "timed")).toEqual([180_000]);
    expect(await successfulBuildDurations(db, fixture.board.id, "other")).toEqual([]);
  });
});
