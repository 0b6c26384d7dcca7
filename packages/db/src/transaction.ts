import type { Prisma } from "../generated/prisma/client.ts";
import type { DbClient } from "./client.ts";

/**
 * Runs `fn` in a transaction: every repository call made with the `tx` it receives commits when
 * `fn` resolves, or rolls back when it throws (the error is rethrown).
 *
 * When `db` is already a transaction client, `fn` joins that transaction instead of opening a
 * new one, because Prisma has no nested transactions. A function that needs several writes to be
 * atomic can therefore call `transaction` with whatever client it was given, and still take part
 * in its caller's transaction.
 *
 * Prisma's interactive-transaction limits apply: the transaction is rolled back if it runs longer
 * than 5 s, so keep slow work (network, builds) out of `fn`.
 */
export function transaction<T>(
  db: DbClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  // Transaction clients lack `$transaction` at runtime as well as in their type.
  return "$transaction" in db ? db.$transaction(fn) : fn(db);
}
