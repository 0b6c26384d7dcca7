import type { Db } from "./client.ts";

/** Round-trips one query; throws if the database cannot answer. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
