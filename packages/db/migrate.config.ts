// Prisma configuration for migrations only, read by the Prisma 6.19 CLI (package alias `prisma6`).
// Prisma 7's migrate needs a native schema engine downloaded from outside the npm registry; the
// 6.19 CLI can run its Wasm engine shipped in the npm package through a driver adapter instead.
// scripts/prisma.ts prepares the schema copy this file points at; run migrations through it.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma6/config";

import { migrationPaths } from "./scripts/paths.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set");

/** @public Read by the Prisma 6.19 CLI (`--config`). */
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: migrationPaths.v6Schema,
  migrations: { path: migrationPaths.migrations },
  adapter: () => Promise.resolve(new PrismaPg({ connectionString: url })),
});
