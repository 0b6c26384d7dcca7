// Demo data for a fresh installation: the demo user (who signs in through the development login,
// or is the local user), a project and two boards whose documents
// start from the catalogue's defaults (valid out of the box). Idempotent: running it again
// changes nothing that exists.
import { defaultBoardConfig } from "@bbos/core";
import {
  createBoard,
  createProject,
  ensureUserByLogin,
  findProjectBySlug,
  isUniqueViolation,
} from "@bbos/db";
import { createDb } from "@bbos/db/client";
import { boardCatalogue, boardConfigSchemas, latestBoardConfigSchemaId } from "@bbos/schemas";

import { encodeConfigState } from "../src/collab/stored-document.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}

const demoBoards = [
  { name: "Rock 5B server", catalogueBoardId: "rock-5b" },
  { name: "QEMU arm64 (boots in CI)", catalogueBoardId: "qemu-arm64" },
];

const db = createDb({ url, maxConnections: 1 });
try {
  // Without a display name: the header shows the login the person signed in with.
  const user = await ensureUserByLogin(db, process.env.LOCAL_USER_LOGIN ?? "demo");
  const existing = await findProjectBySlug(db, "demo");
  const projectId =
    existing?.id ??
    (
      await createProject(db, {
        slug: "demo",
        name: "Demo boards",
        ownerId: user.id,
        description: "Example configurations to try BBOS with.",
      })
    ).id;
  const schemaId = latestBoardConfigSchemaId;
  let created = 0;
  for (const { name, catalogueBoardId } of demoBoards) {
    const target = boardCatalogue.boards.find((board) => board.id === catalogueBoardId);
    if (!target) throw new Error(`the catalogue has no board ${catalogueBoardId}`);
    const config = defaultBoardConfig(boardConfigSchemas[schemaId], target, boardCatalogue);
    try {
      await createBoard(db, { projectId, name, schemaId, state: encodeConfigState(config) });
      created++;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  console.log(`seeded project "demo" (${created} new boards) for user ${user.login}`);
} finally {
  await db.$disconnect();
}
