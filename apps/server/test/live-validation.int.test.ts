// boardValidation: the verdict on a board's config follows its live edits, pushed over
// graphql-ws to everyone watching, whichever client made the change.
import { Writable } from "node:stream";

import { pino } from "pino";
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

  it("validates a revision once, however many watch it: a second watcher gets the kept verdict", async () => {
    const lines: { msg?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n"))
          if (line) lines.push(JSON.parse(line) as { msg?: string });
        done();
      },
    });
    await using counted = await startTestServer({
      db: server.db,
      log: pino({ level: "debug" }, sink),
    });
    const validations = () => lines.filter(({ msg }) => msg === "config validated").length;
    const watched = await createBoardWithContent(server.db, server.viewer);

    await using first = watch(counted.url, watched.id);
    await expect.poll(() => first.verdicts.length).toBe(1);
    expect(validations()).toBe(1);
    await using second = watch(counted.url, watched.id);
    await expect.poll(() => second.verdicts.length).toBe(1);
    expect(second.verdicts[0]).toEqual(first.verdicts[0]);
    expect(validations()).toBe(1);

    using editor = connectBoard(counted.url, watched.id);
    await editor.synced;
    setHostname(editor.doc, "one-more-revision");
    await expect.poll(() => second.verdicts.length).toBe(2);
    expect(first.verdicts).toHaveLength(2);
    expect(validations()).toBe(2);
  });
});
