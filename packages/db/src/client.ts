import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";

/** The root client: owns the connection pool and can open transactions. */
export type Db = PrismaClient;

/**
 * What every repository takes first: the root client, or the client of an open transaction
 * (see `transaction`), so repository calls compose into one transaction.
 */
export type DbClient = Db | Prisma.TransactionClient;

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
