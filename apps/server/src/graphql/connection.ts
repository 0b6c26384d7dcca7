import { DomainError } from "@bbos/core";

/** Arguments of every connection field: `(first: Int = 50, after: String)`. */
export interface ConnectionArgs {
  first: number;
  after?: string | null;
}

/** A Relay connection page, shaped as the SDL's `XConnection` types. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/** @throws DomainError `BAD_INPUT` for `first` outside 0…{@link MAX_PAGE_SIZE}. */
export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new DomainError("BAD_INPUT", `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  }
}

export const encodeCursor = (id: string) => Buffer.from(`id:${id}`).toString("base64url");

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString();
  if (!decoded.startsWith("id:")) {
    throw new DomainError("BAD_INPUT", "`after` is not a cursor this API returned");
  }
  return decoded.slice(3);
}

/**
 * One page of `items` (already in the list's order) after the cursor `args.after`. Cursors are
 * opaque to clients and name the item's id, so a page stays correct when items are added before
 * it.
 *
 * it. Items without an `id` of their own name theirs through `idOf`.
 *
 * @throws DomainError `BAD_INPUT` for `first` outside 0…{@link MAX_PAGE_SIZE} or a cursor that
 *   names no item of this list.
 */
export function toConnection<T extends { id: string }>(
  items: readonly T[],
  args: ConnectionArgs,
): Connection<T>;
export function toConnection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  idOf: (item: T) => string,
): Connection<T>;
export function toConnection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  idOf: (item: T) => string = (item) => (item as { id: string }).id,
): Connection<T> {
  checkPageSize(args.first);
  let start = 0;
  if (args.after != null) {
    const id = decodeCursor(args.after);
    const index = items.findIndex((item) => idOf(item) === id);
    if (index < 0) throw new DomainError("BAD_INPUT", "`after` names no item of this list");
    start = index + 1;
  }
  const page = items.slice(start, start + args.first);
  const edges = page.map((node) => ({ cursor: encodeCursor(idOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}
