// boardValidation: the verdict on a board's config follows its live edits, pushed over
// graphql-ws to everyone watching, whichever client made the change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ensureLocalUser, readBoardLog, type BoardRow } from "@bbos/db";

import { connectBoard, createBoardWithContent, setHostname } from "./collab-clients.ts";
import { startTestServer, subscriptionClient, type TestServer } from "./start-test-server.ts";

interface Verdict {
  valid: boolean;
  schemaId: string;
  issues: { path: string; code: string }[];
}

const SUBSCRIPTION = `subscription ($boardId: ID!) {
  boardValidation(boardId: $boardId) { valid schemaId issues { path code } }
}`;

/** Collects the verdicts of one subscription, and its error if it fails. */
function watch(url: string, boardId: string) {
  const client = subscriptionClient(url);
  const verdicts: Verdict[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ boardValidation: Verdict }>(
    { query: SUBSCRIPTION, variables: { boardId } },
    {
      next: ({ data, errors: failed }) => {
        if (data) verdicts.push(data.boardValidation);
        if (failed) errors.push(...failed);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    verdicts,
    errors,
    [Symbol.asyncDispose]: async () => {
      stop();
      await client.dispose();
    },
  };
}

describe("live validation", () => {
  let server: TestServer;
  let board: BoardRow;

  beforeAll(async () => {
    server = await startTestServer();
    board = await createBoardWithContent(server.db, server.viewer);
  });
  afterAll(() => server.close());

  it("sends the current verdict, then a new one after each burst of edits", async () => {
    await watchAndEdit();
    // Once nobody watches or edits, the board is unloaded, which folds its log.
    await expect
      .poll(async () => (await readBoardLog(server.db, board.id))?.updates.length)
      .toBe(0);
  });

  async function watchAndEdit() {
    await using watcher = watch(server.url, board.id);
    await expect.poll(() => watcher.verdicts.length).toBe(1);
    const hostnameIssues = (verdict: Verdict | undefined) =>
      verdict?.issues.filter(({ path }) => path === "/system/hostname") ?? [];
    expect(hostnameIssues(watcher.verdicts[0])).toEqual([]);

    using editor = connectBoard(server.url, board.id);
    await editor.synced;
    // Three quick edits: one verdict for the burst, on the last value.
    setHostname(editor.doc, "still fine");
    setHostname(editor.doc, "not a hostname!");
    setHostname(editor.doc, "under_score!");
    await expect.poll(() => hostnameIssues(watcher.verdicts.at(-1)).length).toBeGreaterThan(0);
    expect(watcher.verdicts).toHaveLength(2);

    setHostname(editor.doc, "fixed-again");
    await expect.poll(() => watcher.verdicts.length).toBe(3);
    expect(hostnameIssues(watcher.verdicts[2])).toEqual([]);
    expect(watcher.errors).toEqual([]);
  }

  it("refuses a board the viewer cannot see", async () => {
    const stranger = await ensureLocalUser(server.db, "stranger");
    await using other = await startTestServer({
      db: server.db,
      auth: { mode: "local", user: stranger },
    });
    await using watcher = watch(other.url, board.id);
    await expect.poll(() => watcher.errors.length).toBe(1);
    expect(watcher.errors[0]).toMatchObject({ extensions: { code: "NOT_FOUND" } });
  });
});
