// upgradeBoardSchema moves a board to a newer schema as one Yjs change: a live editor receives
// it like any edit, and its own concurrent edit survives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Y from "yjs";

import { configRoot, readConfig } from "@bbos/collab";
import type { ProjectId } from "@bbos/core";
import { addMember, createProject, ensureLocalUser } from "@bbos/db";

import typical from "../../../schemas/examples/typical.json" with { type: "json" };
import { connectBoard, waitForDoc } from "./collab-clients.ts";
import { graphql, startTestServer, type TestServer } from "./start-test-server.ts";

const UPGRADE = `
  mutation ($input: UpgradeBoardSchemaInput!) {
    upgradeBoardSchema(input: $input) {
      board { id schemaId config }
      validation { valid issues { path code } }
    }
  }
`;

interface UpgradeResult {
  upgradeBoardSchema: {
    board: { id: string; schemaId: string; config: { image: Record<string, unknown> } };
    validation: { valid: boolean; issues: { path: string; code: string }[] };
  };
}

function image(doc: Y.Doc): Record<string, unknown> {
  return readConfig(doc).image as Record<string, unknown>;
}

describe("upgradeBoardSchema", () => {
  let server: TestServer;
  let projectId: ProjectId;

  beforeAll(async () => {
    server = await startTestServer();
    const project = await createProject(server.db, {
      slug: "upgrade",
      name: "Upgrade",
      ownerId: server.viewer.id,
    });
    projectId = project.id;
  });
  afterAll(() => server.close());

  async function importV1(name: string): Promise<string> {
    const { body } = await graphql<{ importBoard: { board: { id: string } | null } }>(
      server.url,
      `
        mutation ($input: ImportBoardInput!) {
          importBoard(input: $input) {
            board {
              id
            }
          }
        }
      `,
      {
        input: {
          projectId,
          name,
          configJson: JSON.stringify(typical),
          schemaId: "board-config/1",
        },
      },
    );
    const id = body.data?.importBoard.board?.id;
    if (!id) throw new Error(`import failed: ${JSON.stringify(body)}`);
    return id;
  }

  it("migrates the document while a client edits, and the client gets the change live", async () => {
    const boardId = await importV1("v1 board");
    using editor = connectBoard(server.url, boardId);
    await editor.synced;
    expect(image(editor.doc)).toMatchObject({ sizeMiB: 4096 });

    // An edit of another field, made while the upgrade runs.
    (configRoot(editor.doc).get("system") as Y.Map<unknown>).set("hostname", "during-upgrade");
    const { body } = await graphql<UpgradeResult>(server.url, UPGRADE, { input: { boardId } });

    const result = body.data?.upgradeBoardSchema;
    expect(result?.board.schemaId).toBe("board-config/3");
    expect(result?.board.config.image).toEqual({
      rootfs: "ext4",
      size: { value: 4, unit: "GiB" },
      compression: "xz",
    });
    expect(result?.validation.issues.filter(({ path }) => path.startsWith("/image"))).toEqual([]);

    await waitForDoc(editor.doc, (doc) => "size" in image(doc));
    expect(image(editor.doc)).not.toHaveProperty("sizeMiB");
    expect((readConfig(editor.doc).system as { hostname: string }).hostname).toBe("during-upgrade");
  });

  it("changes nothing when the board already has the schema, and refuses a downgrade", async () => {
    const boardId = await importV1("v1 twice");
    await graphql(server.url, UPGRADE, { input: { boardId } });
    const again = await graphql<UpgradeResult>(server.url, UPGRADE, { input: { boardId } });
    expect(again.body.data?.upgradeBoardSchema.board.schemaId).toBe("board-config/3");

    const down = await graphql(server.url, UPGRADE, {
      input: { boardId, schemaId: "board-config/1" },
    });
    expect(down.body.errors?.[0]?.extensions?.["code"]).toBe("BAD_USER_INPUT");
  });

  it("is refused to viewers", async () => {
    const boardId = await importV1("v1 viewer");
    const viewer = await ensureLocalUser(server.db, "viewer-upgrade");
    await addMember(server.db, projectId, viewer.id, "VIEWER");
    await using asViewer = await startTestServer({
      db: server.db,
      auth: { mode: "local", user: viewer },
    });
    const { body } = await graphql(asViewer.url, UPGRADE, { input: { boardId } });
    expect(body.errors?.[0]?.extensions?.["code"]).toBe("FORBIDDEN");
  });
});
