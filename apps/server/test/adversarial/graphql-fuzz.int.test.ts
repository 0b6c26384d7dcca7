// A small, seeded fuzz of GraphQL over HTTP: queries and mutations assembled from the schema's
// own names (right and wrong places), hostile argument values, fragments, directives, variables
// and damaged syntax. Whatever the document, the answer is never a 5xx or INTERNAL_SERVER_ERROR.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { defaultBoardConfig } from "@bbos/core";
import { createBoard, createProject } from "@bbos/db";
import { boardCatalogue, boardConfigSchemas } from "@bbos/schemas";

import { encodeConfigState } from "../../src/collab/stored-document.ts";
import type { TestServer } from "../start-test-server.ts";
import {
  capturedLog,
  documentGenerator,
  post,
  startUnthrottledServer,
  stillAlive,
} from "./adversarial-helpers.ts";

const SEED = 20_261_201;
const DOCUMENTS = 300;

describe("GraphQL over HTTP, fuzzed", () => {
  const captured = capturedLog();
  let server: TestServer;
  /**
   * A project of the viewer's, one of its boards (with a valid config) and a saved version of
   * it, so that mutations reach their work.
   */
  let ids: string[];

  beforeAll(async () => {
    server = await startUnthrottledServer(captured);
    const project = await createProject(server.db, {
      slug: "fuzzed",
      name: "Fuzzed",
      ownerId: server.viewer.id,
    });
    const target = boardCatalogue.boards.find((entry) => entry.id === "qemu-arm64");
    if (!target) throw new Error("qemu-arm64 is not in the catalogue");
    const config = defaultBoardConfig(boardConfigSchemas["board-config/2"], target, boardCatalogue);
    const board = await createBoard(server.db, {
      projectId: project.id,
      name: "fuzzed",
      schemaId: "board-config/2",
      state: encodeConfigState(config),
    });
    const saved = await post(server.url, {
      query: "mutation ($id: ID!) { saveVersion(input: { boardId: $id }) { version { id } } }",
      variables: { id: board.id },
    });
    const version = (saved.data as { saveVersion: { version: { id: string } | null } }).saveVersion
      .version;
    if (!version) throw new Error(`saveVersion failed: ${saved.text}`);
    ids = [project.id, board.id, version.id];
  });
  afterAll(() => server?.close());

  it(`answers ${DOCUMENTS} random documents (seed ${SEED}) without a 5xx or an internal error`, async () => {
    const next = documentGenerator(SEED, { ids });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let slowest = 0;
    for (let i = 0; i < DOCUMENTS; i++) {
      const body = next();
      const answer = await post(server.url, body);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      slowest = Math.max(slowest, answer.ms);
      const internal = answer.errors.some(
        (error) =>
          error.extensions?.["code"] === "INTERNAL_SERVER_ERROR" || !error.extensions?.["code"],
      );
      if (answer.status >= 500 || internal) {
        failures.push(
          `#${i} ${answer.status} ${JSON.stringify(body).slice(0, 300)} → ${answer.text.slice(0, 300)}`,
        );
      }
    }
    console.log(
      `fuzz: statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${slowest.toFixed(0)} ms`,
    );
    expect(failures).toEqual([]);
    // The fuzz reaches execution too, not only the parser and the validator.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(DOCUMENTS / 10);
    expect(captured.aboveInfo()).toEqual([]);
    expect(await stillAlive(server.url)).toBe(true);
  }, 60_000);
});
