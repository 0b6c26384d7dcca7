/**
 * `TRow` with some of its columns retyped as branded ids (`{ id: ProjectId }`).
 *
 * Prisma types every id column as `string`. The repositories are where a row's ids are known to
 * be that record's ids, so they brand them there, with one type assertion per query over a
 * select that this type derives from; nothing else in the codebase needs to assert an id.
 */
export type WithIds<TRow, TIds extends { [K in keyof TRow]?: string | null }> = Omit<
  TRow,
  keyof TIds
> &
  TIds;
