import { Prisma } from "../generated/prisma/client.ts";

/**
 * True when `error` is PostgreSQL refusing a duplicate in a unique index (Prisma's P2002), such as
 * a board name already taken in its project. Callers map it to their own conflict error; the
 * repositories stay free of domain errors.
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
