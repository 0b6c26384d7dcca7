import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

/** Where the Prisma schema, its migrations and the derived files used by the CLIs live. */
export const migrationPaths = {
  root,
  schema: resolve(root, "prisma/schema.prisma"),
  migrations: resolve(root, "prisma/migrations"),
  cache: resolve(root, "node_modules/.cache/bbos-db"),
  /** schema.prisma with the datasource URL line the 6.19 CLI requires (Prisma 7 forbids it). */
  v6Schema: resolve(root, "node_modules/.cache/bbos-db/schema.prisma"),
};
