// Demo data for a fresh installation: the local user, a project and two boards. Idempotent:
// running it again changes nothing that exists.
import { createProject, ensureLocalUser } from "../src/index.ts";
import { createDb } from "../src/client.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}

const db = createDb({ url, maxConnections: 1 });
try {
  const user = await ensureLocalUser(db, process.env.LOCAL_USER_LOGIN ?? "demo");
  const existing = await db.project.findUnique({ where: { slug: "demo" }, select: { id: true } });
  const project =
    existing ??
    (await createProject(db, {
      slug: "demo",
      name: "Demo boards",
      ownerId: user.id,
      description: "Example configurations to try BBOS with.",
    }));
  const boards = [
    { name: "Rock 5B server", schemaId: "board-config/1" },
    { name: "QEMU arm64 (boots in CI)", schemaId: "board-config/1" },
  ];
  for (const board of boards) {
    await db.board.upsert({
      where: { projectId_name: { projectId: project.id, name: board.name } },
      create: { projectId: project.id, ...board },
      update: {},
    });
  }
  console.log(`seeded project "demo" with ${boards.length} boards for user ${user.login}`);
} finally {
  await db.$disconnect();
}
