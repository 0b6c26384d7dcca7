// Secret config fields: set through setSecret (or an import, or a schema upgrade), stored sealed,
// referenced from the document, refused as plain values on the collab socket, resolved only
// inside a build. The last test plants a known secret and searches everything the platform
// keeps or sends for it.
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";

import * as Y from "yjs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { configRoot, readConfig } from "@bbos/collab";
import { resolveSecret } from "@bbos/db";

import { startBuildInstallation, type BuildInstallation } from "./build-harness.ts";
import { connectBoard, openRawSocket, waitForDoc } from "./collab-clients.ts";
import { graphql, testSecretKeyRing } from "./start-test-server.ts";

const BASE = {
  board: "qemu-arm64",
  os: { release: "bookworm", branch: "current", variant: "minimal" },
  system: { hostname: "secrets", ssh: { enabled: false } },
  image: { compression: "zstd" },
  build: { recipe: "debian" },
};

const SET_SECRET = `mutation ($input: SetSecretInput!) {
  setSecret(input: $input) {
    board { id config }
    reference { secretId revision }
    validation { valid issues { path code message } }
  }
}`;

interface SetSecretJson {
  board: { id: string; config: Record<string, unknown> };
  reference: { secretId: string; revision: number } | null;
  validation: { valid: boolean; issues: { path: string; code: string; message: string }[] };
}

/** Everything the server and the worker log, line by line. */
function capturingLogger(lines: string[]) {
  return pino(
    { level: "debug" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
}

let installation: BuildInstallation;
const serverLog: string[] = [];
const workerLog: string[] = [];
/** Every GraphQL response body of this file, as text. */
const responses: string[] = [];

async function gql<T>(query: string, variables?: Record<string, unknown>) {
  const result = await graphql<T>(installation.server.url, query, variables);
  responses.push(JSON.stringify(result.body));
  return result;
}

async function importBoard(config: object, name: string) {
  const { body } = await gql<{
    importBoard: {
      board: { id: string; config: Record<string, unknown> } | null;
      validation: { valid: boolean; issues: { path: string; message: string }[] };
    };
  }>(
    `mutation ($input: ImportBoardInput!) { importBoard(input: $input) { board { id config } validation { valid issues { path message } } } }`,
    { input: { projectId: installation.project.id, name, configJson: JSON.stringify(config) } },
  );
  if (!body.data) throw new Error(`importBoard failed: ${JSON.stringify(body.errors)}`);
  return body.data.importBoard;
}

async function setSecret(boardId: string, field: string, value: string | null) {
  return gql<{ setSecret: SetSecretJson }>(SET_SECRET, { input: { boardId, field, value } });
}

const wifiOf = (config: Record<string, unknown>) =>
  (config["network"] as { wifi: Record<string, unknown> }).wifi;

beforeAll(async () => {
  installation = await startBuildInstallation({
    logs: { server: capturingLogger(serverLog), worker: capturingLogger(workerLog) },
  });
}, 600_000);
afterAll(() => installation?.close());

describe("setSecret", () => {
  it("stores the value sealed and puts only a reference into the board; again makes revision 2", async () => {
    const { board } = await importBoard({ ...BASE, network: { wifi: { ssid: "lab" } } }, "set");
    const boardId = board?.id ?? "";
    const first = await setSecret(boardId, "/network/wifi/psk", "first passphrase");
    expect(first.body.errors).toBeUndefined();
    const reference = first.body.data?.setSecret.reference;
    expect(reference).toEqual({ secretId: expect.any(String) as string, revision: 1 });
    expect(wifiOf(first.body.data?.setSecret.board.config ?? {})).toEqual({
      ssid: "lab",
      psk: reference,
    });

    const second = await setSecret(boardId, "/network/wifi/psk", "second passphrase");
    expect(second.body.data?.setSecret.reference).toEqual({
      secretId: reference?.secretId,
      revision: 2,
    });
    // Each version of the config names the revision it was saved with.
    const db = installation.server.db;
    const projectId = installation.project.id;
    if (!reference) throw new Error("no reference");
    expect(await resolveSecret(db, testSecretKeyRing, projectId, reference)).toBe(
      "first passphrase",
    );
    expect(
      await resolveSecret(db, testSecretKeyRing, projectId, { ...reference, revision: 2 }),
    ).toBe("second passphrase");

    const exported = await gql<{ exportBoard: string }>(
      "query ($id: ID!) { exportBoard(id: $id) }",
      { id: boardId },
    );
    expect(exported.body.data?.exportBoard).toContain(`"revision":2`);
    expect(exported.body.data?.exportBoard).not.toContain("passphrase");

    const cleared = await setSecret(boardId, "/network/wifi/psk", null);
    expect(cleared.body.data?.setSecret.reference).toBeNull();
    expect(wifiOf(cleared.body.data?.setSecret.board.config ?? {})).toEqual({ ssid: "lab" });
  });

  it("refuses a bad value without storing or quoting it, and names what is wrong with the field", async () => {
    const { board } = await importBoard(
      { ...BASE, system: { ...BASE.system, users: [{ name: "alice" }] } },
      "refuse",
    );
    const boardId = board?.id ?? "";
    const bad = await setSecret(boardId, "/system/users/0/passwordHash", "hunter2 in clear");
    expect(bad.body.data?.setSecret).toMatchObject({
      reference: null,
      validation: {
        valid: false,
        issues: [{ path: "/system/users/0/passwordHash", code: "SCHEMA_PATTERN" }],
      },
    });
    expect(JSON.stringify(bad.body)).not.toContain("hunter2");
    expect(await installation.server.db.secretRevision.count({ where: { boardId } })).toBe(0);

    const notSecret = await setSecret(boardId, "/system/hostname", "x");
    expect(notSecret.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining(
        '"/system/hostname" is not a secret field of board-config/3',
      ) as string,
      extensions: { code: "BAD_USER_INPUT" },
    });
    // A user that does not exist is refused; a missing section is made.
    const noUser = await setSecret(boardId, "/system/users/3/passwordHash", "$6$salt$hash");
    expect(noUser.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('"/system/users/3" is not in the board\'s config') as string,
      extensions: { code: "BAD_USER_INPUT" },
    });
    const noWifi = await setSecret(boardId, "/network/wifi/psk", "a passphrase");
    expect(wifiOf(noWifi.body.data?.setSecret.board.config ?? {})).toEqual({
      psk: noWifi.body.data?.setSecret.reference,
    });
    const notPointer = await setSecret(boardId, "network/wifi/psk", "a passphrase");
    expect(notPointer.body.errors?.[0]?.extensions?.["code"]).toBe("BAD_USER_INPUT");
  });
});

describe("imports and upgrades", () => {
  it("imports plain values as references, and refuses a bad one by its field without quoting it", async () => {
    const hash = "$6$importsalt$planted-import-hash";
    const imported = await importBoard(
      {
        ...BASE,
        system: { ...BASE.system, users: [{ name: "alice", passwordHash: hash }] },
        network: { wifi: { ssid: "lab", psk: "imported passphrase" } },
      },
      "import",
    );
    expect(imported.validation.valid).toBe(true);
    const config = imported.board?.config ?? {};
    expect(wifiOf(config)["psk"]).toEqual({ secretId: expect.any(String) as string, revision: 1 });
    expect(JSON.stringify(config)).not.toContain("imported passphrase");
    expect(JSON.stringify(config)).not.toContain(hash);

    const refused = await importBoard(
      { ...BASE, network: { wifi: { ssid: "lab", psk: "short" } } },
      "import-bad",
    );
    expect(refused.board).toBeNull();
    expect(refused.validation.issues).toEqual([
      { path: "/network/wifi/psk", message: "psk must be at least 8 characters long" },
    ]);
  });

  it("moves a board-config/2 board's plain values into the store when it is upgraded", async () => {
    const { body } = await gql<{ importBoard: { board: { id: string } | null } }>(
      `mutation ($input: ImportBoardInput!) { importBoard(input: $input) { board { id } } }`,
      {
        input: {
          projectId: installation.project.id,
          name: "on v2",
          schemaId: "board-config/2",
          configJson: JSON.stringify({
            ...BASE,
            network: { wifi: { ssid: "lab", psk: "v2 passphrase" } },
          }),
        },
      },
    );
    const boardId = body.data?.importBoard.board?.id ?? "";
    const upgraded = await gql<{
      upgradeBoardSchema: { board: { schemaId: string; config: Record<string, unknown> } };
    }>(
      "mutation ($id: ID!) { upgradeBoardSchema(input: { boardId: $id }) { board { schemaId config } } }",
      { id: boardId },
    );
    const board = upgraded.body.data?.upgradeBoardSchema.board;
    expect(board?.schemaId).toBe("board-config/3");
    const reference = wifiOf(board?.config ?? {})["psk"] as { secretId: string; revision: number };
    expect(
      await resolveSecret(
        installation.server.db,
        testSecretKeyRing,
        installation.project.id,
        reference,
      ),
    ).toBe("v2 passphrase");
  });
});

describe("the collab socket", () => {
  it("closes a client that writes a plain value into a secret field, and stores none of it", async () => {
    const { board } = await importBoard({ ...BASE, network: { wifi: { ssid: "lab" } } }, "collab");
    const boardId = board?.id ?? "";
    using writer = connectBoard(installation.server.url, boardId);
    using watcher = connectBoard(installation.server.url, boardId);
    await Promise.all([writer.synced, watcher.synced]);
    const closed = new Promise<number>((resolve) =>
      writer.provider.ws?.addEventListener("close", (event) => resolve(event.code)),
    );
    const wifi = (configRoot(writer.doc).get("network") as Y.Map<unknown>).get(
      "wifi",
    ) as Y.Map<unknown>;
    wifi.set("psk", "typed into the document");
    expect(await closed).toBe(4422);
    writer.provider.disconnect();

    // A value set the right way reaches live editors as a reference.
    const set = await setSecret(boardId, "/network/wifi/psk", "set the right way");
    await waitForDoc(watcher.doc, (doc) => typeof wifiOf(readConfig(doc))["psk"] === "object");
    expect(wifiOf(readConfig(watcher.doc))["psk"]).toEqual(set.body.data?.setSecret.reference);
    const rows = await installation.server.db.boardUpdate.findMany({ where: { boardId } });
    for (const row of rows) {
      expect(Buffer.from(row.update).includes("typed into the document")).toBe(false);
    }
    // The refusal is logged without the value.
    expect(serverLog.join("")).toContain("refused a value in a secret field");
  });

  it("refuses the value on a raw socket too", async () => {
    const { board } = await importBoard({ ...BASE, network: { wifi: { ssid: "lab" } } }, "raw");
    const doc = new Y.Doc();
    using client = connectBoard(installation.server.url, board?.id ?? "", {}, doc);
    await client.synced;
    client.provider.disconnect();
    const before = Y.encodeStateVector(doc);
    ((configRoot(doc).get("network") as Y.Map<unknown>).get("wifi") as Y.Map<unknown>).set("psk", {
      secretId: "not a reference",
      value: "sneaked",
    });
    const update = Y.encodeStateAsUpdate(doc, before);
    const { socket, closed } = openRawSocket(installation.server.url, board?.id ?? "");
    socket.on("open", () => socket.send(Buffer.concat([Buffer.of(0, 2), lengthPrefixed(update)])));
    expect((await closed).code).toBe(4422);
  });
});

/** A y-protocols varUint length prefix followed by the bytes. */
function lengthPrefixed(bytes: Uint8Array): Buffer {
  const prefix: number[] = [];
  let length = bytes.length;
  while (length > 0x7f) {
    prefix.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  prefix.push(length);
  return Buffer.concat([Buffer.from(prefix), bytes]);
}

describe("a planted secret", () => {
  it("is found nowhere after a build: responses, logs, database, Yjs updates, versions, artifacts", async () => {
    const PLANTED = "planted-Wi-Fi-passphrase-7f3a";
    const { board } = await importBoard({ ...BASE, network: { wifi: { ssid: "lab" } } }, "planted");
    const boardId = board?.id ?? "";
    using listener = connectBoard(installation.server.url, boardId);
    await listener.synced;
    const updates: Uint8Array[] = [];
    listener.doc.on("update", (update: Uint8Array) => updates.push(update));

    expect((await setSecret(boardId, "/network/wifi/psk", PLANTED)).body.errors).toBeUndefined();
    await waitForDoc(listener.doc, (doc) => typeof wifiOf(readConfig(doc))["psk"] === "object");
    const saved = await gql<{ saveVersion: { version: { id: string; config: unknown } | null } }>(
      "mutation ($id: ID!) { saveVersion(input: { boardId: $id }) { version { id config } } }",
      { id: boardId },
    );
    const versionId = saved.body.data?.saveVersion.version?.id;
    const started = await gql<{ startBuild: { build: { id: string } } }>(
      'mutation ($id: ID!) { startBuild(input: { versionId: $id, recipe: "shell-test" }) { build { id } } }',
      { id: versionId },
    );
    const buildId = started.body.data?.startBuild.build.id ?? "";
    let build:
      | {
          status: string;
          errorMessage: string | null;
          artifacts: { name: string; downloadUrl: string }[];
        }
      | undefined;
    for (let tries = 0; tries < 300; tries += 1) {
      const read = await gql<{ build: NonNullable<typeof build> }>(
        "query ($id: ID!) { build(id: $id) { status errorMessage artifacts { name downloadUrl } } }",
        { id: buildId },
      );
      build = read.body.data?.build;
      if (build && ["SUCCEEDED", "FAILED", "CANCELED"].includes(build.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(build).toMatchObject({ status: "SUCCEEDED", errorMessage: null });

    await gql("query ($id: ID!) { board(id: $id) { config } exportBoard(id: $id) }", {
      id: boardId,
    });
    await gql("query ($id: ID!) { versions(boardId: $id) { edges { node { config } } } }", {
      id: boardId,
    });
    await gql(
      "query ($p: ID!) { auditEvents(projectId: $p, first: 100) { edges { node { action details } } } }",
      { p: installation.project.id },
    );

    const places: [string, string][] = [];
    places.push(["GraphQL responses", responses.join("\n")]);
    places.push(["server log", serverLog.join("")]);
    places.push(["worker log", workerLog.join("")]);
    places.push(["Yjs updates a client received", Buffer.concat(updates).toString("latin1")]);
    for (const artifact of build?.artifacts ?? []) {
      const response = await fetch(new URL(artifact.downloadUrl, installation.server.url));
      places.push([
        `artifact ${artifact.name}`,
        await readable(artifact.name, Buffer.from(await response.arrayBuffer())),
      ]);
    }
    const rawLog = await fetch(new URL(`/builds/${buildId}/log.txt`, installation.server.url));
    places.push(["raw log", await rawLog.text()]);
    places.push(...(await databaseColumns(PLANTED)));

    const found = places.filter(([, text]) => text.includes(PLANTED)).map(([where]) => where);
    expect(found).toEqual([]);
    // The recipe got the value (it printed it; the worker cut it from the log), and the searches
    // looked at real content.
    expect(places.find(([where]) => where === "raw log")?.[1]).toContain("psk is [redacted]");
    expect(places.find(([where]) => where === "GraphQL responses")?.[1]).toContain("setSecret");
    expect(places.length).toBeGreaterThan(10);
  }, 600_000);
});

/** An artifact's bytes as text, decompressed where it is compressed. */
async function readable(name: string, bytes: Buffer): Promise<string> {
  if (name.endsWith(".gz")) return gunzipSync(bytes).toString("latin1");
  if (name.endsWith(".zst")) return (await decompress("zstd", bytes)).toString("latin1");
  if (name.endsWith(".xz")) return (await decompress("xz", bytes)).toString("latin1");
  return bytes.toString("latin1");
}

/** `tool -dc` over `bytes`. */
function decompress(tool: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ["-dc"]);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${tool} -dc exited ${code}`)),
    );
    child.stdin.end(bytes);
  });
}

/**
 * Every column of every table in the installation's database that holds `needle` in its text,
 * or in its bytes for binary columns (Yjs updates and states): one place per table and column.
 */
async function databaseColumns(needle: string): Promise<[string, string][]> {
  const db = installation.server.db;
  const columns = await db.$queryRawUnsafe<
    { table_name: string; column_name: string; data_type: string }[]
  >(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'",
  );
  const places: [string, string][] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const value =
      type === "bytea"
        ? `position(convert_to($1, 'UTF8') in "${column}") > 0`
        : `position($1 in "${column}"::text) > 0`;
    const [row] = await db.$queryRawUnsafe<{ hits: bigint }[]>(
      `SELECT count(*) AS hits FROM "${table}" WHERE ${value}`,
      needle,
    );
    places.push([`database ${table}.${column}`, row && row.hits > 0n ? needle : ""]);
  }
  return places;
}
