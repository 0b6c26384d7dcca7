import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

/** Options for {@link createDb}. */
export interface DbOptions {
  /** PostgreSQL connection URL. */
  url: string;
  /** Pool size. @defaultValue 10 */
  maxConnections?: number;
}

/**
 * Opens a Prisma client over the `pg` driver adapter (no native query engine).
 * Close it with `db.$disconnect()`.
 */
export function createDb({ url, maxConnections = 10 }: DbOptions): Db {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: maxConnections }),
  });
}
