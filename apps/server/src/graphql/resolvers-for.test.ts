// Type-level: typecheck (tsc in `npm test`) fails if these stop holding; the runtime part only
// keeps Vitest from reporting an empty file.
import { describe, expect, it } from "vitest";

import type { MemberProjectRow } from "@bbos/db";

import type {
  ProjectResolvers,
  QueryResolvers,
  SubscriptionResolvers,
} from "../../generated/graphql.ts";
import type { ResolversFor } from "./resolvers-for.ts";
import { resolvers } from "./resolvers/index.ts";

describe("resolver completeness", () => {
  it("requires a resolver for every field the mapped row lacks", () => {
    // `boards`, `files` and `members` are in the SDL's Project but not in MemberProjectRow.
    // @ts-expect-error members is missing
    const incomplete: ResolversFor<ProjectResolvers, MemberProjectRow> = {
      boards: resolvers.Project.boards,
      files: resolvers.Project.files,
    };
    // Fields the row has (name, slug, …) need none.
    const complete: ResolversFor<ProjectResolvers, MemberProjectRow> = {
      boards: resolvers.Project.boards,
      files: resolvers.Project.files,
      members: resolvers.Project.members,
    };
    expect([incomplete, complete]).toHaveLength(2);
  });

  it("has a resolver for every root field of the SDL", () => {
    const query: Required<QueryResolvers> = resolvers.Query;
    const subscription: Required<SubscriptionResolvers> = resolvers.Subscription;
    // @ts-expect-error a root field without a resolver does not typecheck
    const missing: Required<QueryResolvers> = { ...resolvers.Query, health: undefined };
    expect(Object.keys(query)).toContain("catalogueBoards");
    expect(Object.keys(subscription)).toEqual([
      "serverTime",
      "boardValidation",
      "buildLog",
      "buildUpdated",
      "buildsUpdated",
    ]);
    expect(missing.health).toBeUndefined();
  });
});
