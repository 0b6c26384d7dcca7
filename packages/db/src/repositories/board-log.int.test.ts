import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import { appendBoardUpdates, compactBoardLog, readBoardLog } from "./board-log.ts";
import { createBoard } from "./boards.ts";
import { createProject } from "./projects.ts";
import { ensureLocalUser } from "./users.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in for Yjs merging that keeps every byte: the state is all updates, in order. */
function concatenate(state: Uint8Array | null, updates: Uint8Array[]): Uint8Array {
  return Uint8Array.from([...(state ?? []), ...updates.flatMap((update) => [...update])]);
}

describe("board update log", () => {
  let db: Db;
  let other: Db;

  beforeAll(async () => {
    const url = await createTestDatabase();
    db = createDb({ url, maxConnections: 4 });
    // A second pool, as a second API process would have.
    other = createDb({ url, maxConnections: 2 });
  });
  afterAll(() => Promise.all([db?.$disconnect(), other?.$disconnect()]));

  async function board() {
    const owner = await ensureLocalUser(db, `owner-${Math.random().toString(36).slice(2, 8)}`);
    const project = await createProject(db, {
      slug: `log-${owner.login}`,
      name: owner.login,
      ownerId: owner.id,
    });
    return {
      owner,
      board: await createBoard(db, {
        projectId: project.id,
        name: "b",
        schemaId: "board-config/2",
      }),
    };
  }

  it("appends updates in order and numbers them", async () => {
    const { owner, board: target } = await board();
    const ids = await appendBoardUpdates(db, target.id, [
      { update: Uint8Array.of(1), userId: owner.id, clientId: 7 },
      { update: Uint8Array.of(2), userId: owner.id },
    ]);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0] ?? 0n);
    const log = await readBoardLog(db, target.id);
    expect(log?.updates).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
    expect(log?.lastUpdateId).toBe(ids[1]);
  });

  it("runs concurrent compactions one after the other while appends go on, losing nothing", async () => {
    const { owner, board: target } = await board();
    const entry = (n: number) => ({ update: Uint8Array.of(n), userId: owner.id });
    await appendBoardUpdates(db, target.id, [1, 2, 3].map(entry));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = compactBoardLog(db, target.id, async (state, updates) => {
      await gate;
      return concatenate(state, updates);
    });
    await sleep(100);
    // While the first holds the board: an append goes through, a second compaction waits.
    await appendBoardUpdates(other, target.id, [entry(4)]);
    let secondDone = false;
    const second = compactBoardLog(other, target.id, concatenate).then((result) => {
      secondDone = true;
      return result;
    });
    await sleep(200);
    expect(secondDone).toBe(false);

    release();
    expect((await first).folded).toBe(3);
    expect((await second).folded).toBe(1);
    const log = await readBoardLog(db, target.id);
    expect(log?.updates).toEqual([]);
    expect(log?.state).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it("reads state and log from one snapshot, so a compaction never hides folded updates", async () => {
    const { owner, board: target } = await board();
    const seen: number[] = [];
    for (let round = 1; round <= 40; round++) {
      await appendBoardUpdates(db, target.id, [{ update: Uint8Array.of(round), userId: owner.id }]);
      // Reads from the other pool race the compaction; each must see every byte so far.
      const reads = Array.from({ length: 4 }, () =>
        readBoardLog(other, target.id).then((log) => {
          seen.push((log?.state?.length ?? 0) + (log?.updates.length ?? 0) - round);
        }),
      );
      await Promise.all([compactBoardLog(db, target.id, concatenate), ...reads]);
    }
    expect(seen.filter((missing) => missing !== 0)).toEqual([]);
  });
});
