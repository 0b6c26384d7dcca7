import { makeExecutableSchema } from "@graphql-tools/schema";
import { describe, expect, it } from "vitest";

import { enforceOperationPolicies } from "./enforce-policies.ts";
import { loadTypeDefs } from "./type-defs.ts";

describe("enforceOperationPolicies", () => {
  it("accepts the served schema: every operation has a policy", () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    expect(() => enforceOperationPolicies(schema)).not.toThrow();
  });

  it("refuses a schema with an operation the policy table does not list, naming it", () => {
    const schema = makeExecutableSchema({
      typeDefs: [
        ...loadTypeDefs(),
        "extend type Mutation { grantEverything: Boolean }",
        "extend type Query { secrets: [String!] }",
      ],
    });
    expect(() => enforceOperationPolicies(schema)).toThrow(
      "operations without a policy in auth/policies.ts: Query.secrets, Mutation.grantEverything",
    );
  });
});
