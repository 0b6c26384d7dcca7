// Every GraphQL operation × every caller: anonymous, each project role, and the owner of another
// project. The operations come from the schema the server serves, the expected outcome from the
// policy tables (auth/policies.ts) and the role table (`can`), so a new operation without a
// policy or without a case here fails this test. Each call gets fresh targets where it changes
// them (a fresh board to archive, a fresh member to remove), so the order of calls never matters.
import { makeExecutableSchema } from "@graphql-tools/schema";
import { isNonNullType, type GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { can, type ProjectRole } from "@bbos/core";

import { Readable } from "node:stream";

import { policyOf, transportPolicies } from "../src/auth/policies.ts";
import { CollabCloseCode, PermissionDeniedReason } from "../src/collab/close-codes.ts";
import { connectBoard, openRawSocket, recordDeniedReasons } from "./collab-clients.ts";
import { uploadFile } from "./project-file-client.ts";
import { loadTypeDefs } from "../src/graphql/type-defs.ts";
import {
  graphql,
  signIn,
  startTestServer,
  subscriptionClient,
  testBuildOptions,
  type TestServer,
} from "./start-test-server.ts";

type Caller = "anonymous" | "outsider" | ProjectRole;
const CALLERS: Caller[] = ["anonymous", "OWNER", "MAINTAINER", "EDITOR", "VIEWER", "outsider"];
type Outcome = "allowed" | "unauthenticated" | "forbidden" | "hidden";

/** An operation document and its variables, for one call. */
interface Call {
  query: string;
  variables?: Record<string, unknown>;
}

/** How long an admitted subscription may stay silent before it counts as admitted. */
const SUBSCRIPTION_SILENCE_MS = 700;

describe("authorization matrix", () => {
  let server: TestServer;
  const cookies = new Map<string, string>();
  let world: {
    projectId: string;
    boardId: string;
    versionId: string;
    buildId: string;
    artifactId: string;
    fileDownloadPath: string;
    config: unknown;
    exported: string;
  };
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${(counter += 1)}`;

  const loginOf = (caller: Caller) => `matrix-${caller.toLowerCase()}`;

  /** GraphQL as the project's owner, failing loudly: the setup of a case must work. */
  async function asOwner<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { body } = await graphql<T>(server.url, query, variables, {
      cookie: cookies.get("OWNER"),
    });
    if (!body.data || body.errors) throw new Error(`setup failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async function freshBoard(archived = false): Promise<string> {
    const { createBoard } = await asOwner<{ createBoard: { board: { id: string } } }>(
      "mutation ($input: CreateBoardInput!) { createBoard(input: $input) { board { id } } }",
      {
        input: { projectId: world.projectId, name: fresh("board"), catalogueBoardId: "qemu-arm64" },
      },
    );
    if (archived) {
      await asOwner(
        "mutation ($id: ID!) { archiveBoard(input: { boardId: $id }) { board { id } } }",
        {
          id: createBoard.board.id,
        },
      );
    }
    return createBoard.board.id;
  }

  async function freshBuild(): Promise<string> {
    const { startBuild } = await asOwner<{ startBuild: { build: { id: string } } }>(
      'mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test", force: true }) { build { id } } }',
      { v: world.versionId },
    );
    return startBuild.build.id;
  }

  /** A new VIEWER of the project, for the calls that change or remove a member. */
  async function freshMember(): Promise<string> {
    const { inviteMember } = await asOwner<{
      inviteMember: { membership: { user: { id: string } } };
    }>(
      "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { user { id } } } }",
      { input: { projectId: world.projectId, login: fresh("member"), role: "VIEWER" } },
    );
    return inviteMember.membership.user.id;
  }

  async function freshShareLink(): Promise<string> {
    const { createShareLink } = await asOwner<{ createShareLink: { shareLink: { id: string } } }>(
      "mutation ($id: ID!) { createShareLink(input: { artifactId: $id }) { shareLink { id } } }",
      { id: world.artifactId },
    );
    return createShareLink.shareLink.id;
  }

  async function freshFile(): Promise<string> {
    const { body } = await uploadFile(server.url, world.projectId, fresh("file"), "x", {
      cookie: cookies.get("OWNER"),
    });
    if (!body.file) throw new Error(`setup failed: ${JSON.stringify(body.errors)}`);
    return body.file.id;
  }

  async function freshToken(caller: Caller): Promise<string> {
    const { body } = await graphql<{ createApiToken: { apiToken: { id: string } } }>(
      server.url,
      "mutation ($n: String!) { createApiToken(input: { name: $n, scopes: [READ] }) { apiToken { id } } }",
      { n: fresh("token") },
      { cookie: cookies.get(caller) },
    );
    return body.data?.createApiToken.apiToken.id ?? "";
  }

  /** One call of each root field, by name. */
  const cases: Record<string, (caller: Caller) => Call | Promise<Call>> = {
    // Query
    health: () => ({ query: "{ health { status } }" }),
    me: () => ({ query: "{ me { id } }" }),
    catalogueBoards: () => ({ query: "{ catalogueBoards { id } }" }),
    boardConfigSchemas: () => ({ query: "{ boardConfigSchemas { id } }" }),
    boardConfigSchema: () => ({
      query: '{ boardConfigSchema(id: "board-config/2") { id } }',
    }),
    recipes: () => ({ query: "{ recipes { id } }" }),
    signingKey: () => ({ query: "{ signingKey { keyId } }" }),
    validateConfig: () => ({
      query:
        'query ($c: JSON!) { validateConfig(schemaId: "board-config/2", config: $c) { valid } }',
      variables: { c: world.config },
    }),
    projects: () => ({ query: "{ projects { totalCount } }" }),
    project: () => ({
      query: "query ($id: ID!) { project(id: $id) { id } }",
      variables: { id: world.projectId },
    }),
    board: () => ({
      query: "query ($id: ID!) { board(id: $id) { id } }",
      variables: { id: world.boardId },
    }),
    exportBoard: () => ({
      query: "query ($id: ID!) { exportBoard(id: $id) }",
      variables: { id: world.boardId },
    }),
    versions: () => ({
      query: "query ($id: ID!) { versions(boardId: $id) { totalCount } }",
      variables: { id: world.boardId },
    }),
    diffVersions: () => ({
      query: "query ($v: ID!) { diffVersions(a: $v, b: $v) { changes { path } } }",
      variables: { v: world.versionId },
    }),
    build: () => ({
      query: "query ($id: ID!) { build(id: $id) { id } }",
      variables: { id: world.buildId },
    }),
    apiTokens: () => ({ query: "{ apiTokens { totalCount } }" }),
    shareLinks: () => ({
      query: "query ($id: ID!) { shareLinks(artifactId: $id) { id } }",
      variables: { id: world.artifactId },
    }),
    auditEvents: () => ({
      query: "query ($id: ID!) { auditEvents(projectId: $id) { totalCount } }",
      variables: { id: world.projectId },
    }),
    builds: () => ({
      query: "query ($id: ID!) { builds(projectId: $id) { totalCount } }",
      variables: { id: world.projectId },
    }),
    // Mutation
    createProject: () => ({
      query: "mutation ($n: String!) { createProject(input: { name: $n }) { project { id } } }",
      variables: { n: fresh("project") },
    }),
    renameProject: () => ({
      query:
        "mutation ($id: ID!, $n: String!) { renameProject(input: { projectId: $id, name: $n }) { project { id } } }",
      variables: { id: world.projectId, n: fresh("Matrix") },
    }),
    archiveProject: () => ({
      query: "mutation ($id: ID!) { archiveProject(input: { projectId: $id }) { project { id } } }",
      variables: { id: world.projectId },
    }),
    restoreProject: () => ({
      query: "mutation ($id: ID!) { restoreProject(input: { projectId: $id }) { project { id } } }",
      variables: { id: world.projectId },
    }),
    inviteMember: () => ({
      query:
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { role } } }",
      variables: { input: { projectId: world.projectId, login: fresh("invitee"), role: "VIEWER" } },
    }),
    changeMemberRole: async () => ({
      query:
        "mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { membership { role } } }",
      variables: {
        input: { projectId: world.projectId, userId: await freshMember(), role: "EDITOR" },
      },
    }),
    removeMember: async () => ({
      query:
        "mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }",
      variables: { input: { projectId: world.projectId, userId: await freshMember() } },
    }),
    createBoard: () => ({
      query: "mutation ($input: CreateBoardInput!) { createBoard(input: $input) { board { id } } }",
      variables: {
        input: { projectId: world.projectId, name: fresh("board"), catalogueBoardId: "qemu-arm64" },
      },
    }),
    importBoard: () => ({
      query: "mutation ($input: ImportBoardInput!) { importBoard(input: $input) { board { id } } }",
      variables: {
        input: { projectId: world.projectId, name: fresh("import"), configJson: world.exported },
      },
    }),
    renameBoard: async () => ({
      query:
        "mutation ($id: ID!, $n: String!) { renameBoard(input: { boardId: $id, name: $n }) { board { id } } }",
      variables: { id: await freshBoard(), n: fresh("renamed") },
    }),
    duplicateBoard: () => ({
      query:
        "mutation ($id: ID!, $n: String!) { duplicateBoard(input: { boardId: $id, name: $n }) { board { id } } }",
      variables: { id: world.boardId, n: fresh("copy") },
    }),
    upgradeBoardSchema: () => ({
      query:
        'mutation ($id: ID!) { upgradeBoardSchema(input: { boardId: $id, schemaId: "board-config/3" }) { board { id } } }',
      variables: { id: world.boardId },
    }),
    setSecret: async () => {
      const { importBoard } = await asOwner<{ importBoard: { board: { id: string } } }>(
        "mutation ($input: ImportBoardInput!) { importBoard(input: $input) { board { id } } }",
        {
          input: {
            projectId: world.projectId,
            name: fresh("secret"),
            configJson: JSON.stringify({
              ...(world.config as object),
              network: { wifi: { ssid: "lab" } },
            }),
          },
        },
      );
      return {
        query:
          'mutation ($id: ID!) { setSecret(input: { boardId: $id, field: "/network/wifi/psk", value: "matrix passphrase" }) { reference { revision } } }',
        variables: { id: importBoard.board.id },
      };
    },
    archiveBoard: async () => ({
      query: "mutation ($id: ID!) { archiveBoard(input: { boardId: $id }) { board { id } } }",
      variables: { id: await freshBoard() },
    }),
    restoreBoard: async () => ({
      query: "mutation ($id: ID!) { restoreBoard(input: { boardId: $id }) { board { id } } }",
      variables: { id: await freshBoard(true) },
    }),
    saveVersion: () => ({
      query:
        'mutation ($id: ID!) { saveVersion(input: { boardId: $id, message: "matrix" }) { created } }',
      variables: { id: world.boardId },
    }),
    restoreVersion: () => ({
      query: "mutation ($v: ID!) { restoreVersion(input: { versionId: $v }) { board { id } } }",
      variables: { v: world.versionId },
    }),
    startBuild: () => ({
      query:
        'mutation ($v: ID!) { startBuild(input: { versionId: $v, recipe: "shell-test" }) { reused } }',
      variables: { v: world.versionId },
    }),
    cancelBuild: async () => ({
      query: "mutation ($id: ID!) { cancelBuild(input: { buildId: $id }) { build { id } } }",
      variables: { id: await freshBuild() },
    }),
    retryBuild: () => ({
      query: "mutation ($id: ID!) { retryBuild(input: { buildId: $id }) { build { id } } }",
      variables: { id: world.buildId },
    }),
    deleteBuildArtifacts: () => ({
      query:
        "mutation ($id: ID!) { deleteBuildArtifacts(input: { buildId: $id }) { deletedCount } }",
      variables: { id: world.buildId },
    }),
    createApiToken: () => ({
      query:
        "mutation ($n: String!) { createApiToken(input: { name: $n, scopes: [READ] }) { secret } }",
      variables: { n: fresh("token") },
    }),
    revokeApiToken: async (caller) => ({
      query: "mutation ($id: ID!) { revokeApiToken(input: { tokenId: $id }) { apiToken { id } } }",
      // Each caller revokes a token of their own.
      variables: { id: caller === "anonymous" ? crypto.randomUUID() : await freshToken(caller) },
    }),
    createShareLink: () => ({
      query: "mutation ($id: ID!) { createShareLink(input: { artifactId: $id }) { path } }",
      variables: { id: world.artifactId },
    }),
    revokeShareLink: async () => ({
      query:
        "mutation ($id: ID!) { revokeShareLink(input: { shareLinkId: $id }) { shareLink { id } } }",
      variables: { id: await freshShareLink() },
    }),
    deleteProjectFile: async () => ({
      query: "mutation ($id: ID!) { deleteProjectFile(input: { fileId: $id }) { deletedFileId } }",
      variables: { id: await freshFile() },
    }),
    // Subscription
    serverTime: () => ({ query: "subscription { serverTime(intervalMs: 100) }" }),
    boardValidation: () => ({
      query: "subscription ($id: ID!) { boardValidation(boardId: $id) { valid } }",
      variables: { id: world.boardId },
    }),
    buildLog: () => ({
      query: "subscription ($id: ID!) { buildLog(buildId: $id) { text } }",
      variables: { id: world.buildId },
    }),
    buildUpdated: () => ({
      query: "subscription ($id: ID!) { buildUpdated(buildId: $id) { id } }",
      variables: { id: world.buildId },
    }),
    buildsUpdated: () => ({
      query: "subscription ($id: ID!) { buildsUpdated(projectId: $id) { id } }",
      variables: { id: world.projectId },
    }),
  };

  let builds: Awaited<ReturnType<typeof testBuildOptions>>;

  beforeAll(async () => {
    builds = await testBuildOptions();
    server = await startTestServer({
      builds,
      auth: { mode: "dev" },
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, signInsPerMinute: 0 },
    });
    for (const caller of CALLERS) {
      if (caller !== "anonymous") cookies.set(caller, await signIn(server.url, loginOf(caller)));
    }
    const { createProject } = await asOwner<{ createProject: { project: { id: string } } }>(
      'mutation { createProject(input: { name: "Matrix" }) { project { id } } }',
    );
    world = {
      projectId: createProject.project.id,
      boardId: "",
      versionId: "",
      buildId: "",
      artifactId: "",
      fileDownloadPath: "",
      config: null,
      exported: "",
    };
    for (const role of ["MAINTAINER", "EDITOR", "VIEWER"] as const) {
      await asOwner(
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { role } } }",
        { input: { projectId: world.projectId, login: loginOf(role), role } },
      );
    }
    // The outsider owns a project of their own.
    await graphql(
      server.url,
      'mutation { createProject(input: { name: "Elsewhere" }) { project { id } } }',
      undefined,
      {
        cookie: cookies.get("outsider"),
      },
    );
    world.boardId = await freshBoard();
    const board = await asOwner<{ board: { config: unknown }; exportBoard: string }>(
      "query ($id: ID!) { board(id: $id) { config } exportBoard(id: $id) }",
      { id: world.boardId },
    );
    world.config = board.board.config;
    world.exported = board.exportBoard;
    const saved = await asOwner<{ saveVersion: { version: { id: string } } }>(
      "mutation ($id: ID!) { saveVersion(input: { boardId: $id }) { version { id } } }",
      { id: world.boardId },
    );
    world.versionId = saved.saveVersion.version.id;
    world.buildId = await freshBuild();
    const body = Buffer.from("artifact bytes\n");
    const storageKey = `builds/${world.buildId}/matrix.txt`;
    await builds.store.put(storageKey, Readable.from([body]));
    const artifact = await server.db.artifact.create({
      data: {
        buildId: world.buildId,
        kind: "IMAGE",
        name: "matrix.txt",
        size: BigInt(body.length),
        sha256: "0".repeat(64),
        storageKey,
        contentType: "text/plain",
      },
    });
    world.artifactId = artifact.id;
    const uploaded = await uploadFile(server.url, world.projectId, "matrix/motd", "matrix\n", {
      cookie: cookies.get("OWNER"),
    });
    world.fileDownloadPath = uploaded.body.file?.latestVersion.downloadPath ?? "";
  });
  afterAll(() => server?.close());

  function classify(
    errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
    data: unknown,
    nullMeansHidden: boolean,
  ): Outcome {
    const codes = new Set((errors ?? []).map((error) => error.extensions?.code));
    if (codes.has("UNAUTHENTICATED")) return "unauthenticated";
    if (codes.has("FORBIDDEN")) return "forbidden";
    if (codes.has("NOT_FOUND")) return "hidden";
    if (nullMeansHidden && data === null) return "hidden";
    return "allowed";
  }

  async function callOperation(
    root: string,
    field: string,
    caller: Caller,
    nullMeansHidden: boolean,
  ) {
    const make = cases[field];
    if (!make) throw new Error(`no matrix case for ${root}.${field}: add one`);
    const { query, variables } = await make(caller);
    const cookie = cookies.get(caller);
    if (root !== "Subscription") {
      const { body } = await graphql<Record<string, unknown>>(server.url, query, variables, {
        cookie,
      });
      return classify(body.errors, body.data?.[field] ?? null, nullMeansHidden);
    }
    const client = subscriptionClient(server.url, { cookie });
    try {
      return await new Promise<Outcome>((resolve) => {
        const timer = setTimeout(() => resolve("allowed"), SUBSCRIPTION_SILENCE_MS);
        const settle = (outcome: Outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        client.subscribe(
          { query, variables },
          {
            next: (result) => settle(classify(result.errors, result.data?.[field], false)),
            error: (error) =>
              settle(
                Array.isArray(error)
                  ? classify(error as { extensions?: Record<string, unknown> }[], undefined, false)
                  : "allowed",
              ),
            complete: () => settle("allowed"),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  function expected(root: string, field: string, caller: Caller): Outcome {
    const policy = policyOf(root, field);
    if (policy === undefined) throw new Error(`${root}.${field} has no policy`);
    return expectedFor(policy, caller);
  }

  function expectedFor(policy: ReturnType<typeof policyOf> & string, caller: Caller): Outcome {
    if (policy === "anyone") return "allowed";
    if (caller === "anonymous") return "unauthenticated";
    if (policy === "signed-in") return "allowed";
    if (caller === "outsider") return "hidden";
    return can(caller, policy) ? "allowed" : "forbidden";
  }

  it("gives every operation the outcome its policy says, for every caller", async () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const mismatches: string[] = [];
    let checked = 0;
    for (const root of roots.filter((type): type is GraphQLObjectType => type != null)) {
      for (const [field, definition] of Object.entries(root.getFields())) {
        // A nullable field of a project answers a hidden target with null; `me` answers an
        // anonymous caller with null, which is no refusal.
        const policy = policyOf(root.name, field);
        const nullMeansHidden =
          !isNonNullType(definition.type) && policy !== "anyone" && policy !== "signed-in";
        for (const caller of CALLERS) {
          const want = expected(root.name, field, caller);
          const got = await callOperation(root.name, field, caller, nullMeansHidden);
          checked += 1;
          if (got !== want)
            mismatches.push(`${root.name}.${field} as ${caller}: ${got}, want ${want}`);
        }
      }
    }
    console.log(`authorization matrix: ${checked} operation × caller checks`);
    expect(mismatches).toEqual([]);
    // Every case belongs to an operation the schema still has.
    const fields = roots.flatMap((root) => Object.keys(root?.getFields() ?? {}));
    expect(Object.keys(cases).filter((name) => !fields.includes(name))).toEqual([]);
  }, 120_000);

  /** How the collab socket treats a caller: refused, read-only, or open to edits. */
  async function collabOutcome(caller: Caller): Promise<{ read: Outcome; write: Outcome }> {
    const cookie = cookies.get(caller);
    const headers: Record<string, string> = cookie === undefined ? {} : { cookie };
    const raw = openRawSocket(server.url, world.boardId, headers);
    const ended = await Promise.race([
      raw.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), SUBSCRIPTION_SILENCE_MS)),
    ]);
    raw.socket.terminate();
    if (ended?.code === CollabCloseCode.UNAUTHENTICATED) {
      return { read: "unauthenticated", write: "unauthenticated" };
    }
    if (ended?.code === CollabCloseCode.BOARD_NOT_FOUND) return { read: "hidden", write: "hidden" };
    if (ended !== null) throw new Error(`collab socket closed with ${ended.code} ${ended.reason}`);
    // Admitted: a read-only connection is told so as soon as it joins.
    using client = connectBoard(server.url, world.boardId, headers);
    const denied = recordDeniedReasons(client);
    await client.synced;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return {
      read: "allowed",
      write: denied.includes(PermissionDeniedReason.READ_ONLY) ? "forbidden" : "allowed",
    };
  }

  /** The outcome an HTTP route's status stands for. */
  function outcomeOf(status: number): Outcome {
    if (status === 200 || status === 201) return "allowed";
    if (status === 401) return "unauthenticated";
    if (status === 403) return "forbidden";
    if (status === 404) return "hidden";
    throw new Error(`unexpected HTTP status ${status}`);
  }

  it("gives the collab socket, downloads and uploads the outcome their policy says, for every caller", async () => {
    const mismatches: string[] = [];
    for (const caller of CALLERS) {
      const collab = await collabOutcome(caller);
      const headers: Record<string, string> = cookies.has(caller)
        ? { cookie: cookies.get(caller) ?? "" }
        : {};
      const download = await fetch(`${server.url}/artifacts/${world.artifactId}/matrix.txt`, {
        headers,
      });
      const fileDownload = await fetch(`${server.url}${world.fileDownloadPath}`, { headers });
      const fileUpload = await uploadFile(server.url, world.projectId, fresh("upload"), "x", {
        cookie: cookies.get(caller),
      });
      const results: [string, Outcome, Outcome][] = [
        ["collab read", collab.read, expectedFor(transportPolicies.collabRead, caller)],
        ["collab write", collab.write, expectedFor(transportPolicies.collabWrite, caller)],
        ["download", outcomeOf(download.status), expectedFor(transportPolicies.download, caller)],
        [
          "file download",
          outcomeOf(fileDownload.status),
          expectedFor(transportPolicies.fileDownload, caller),
        ],
        [
          "file upload",
          outcomeOf(fileUpload.status),
          expectedFor(transportPolicies.fileUpload, caller),
        ],
      ];
      for (const [what, got, want] of results) {
        if (got !== want) mismatches.push(`${what} as ${caller}: ${got}, want ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});
