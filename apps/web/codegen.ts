// GraphQL Code Generator: typed operations from the server's SDL (apps/server/src/graphql/
// schema/) and the `graphql(...)` calls in src/. `npm run codegen` (turbo runs it before
// typecheck, test and build) writes generated/graphql/; never edit those files. An operation
// that does not match the schema fails here, before any test runs.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../server/src/graphql/schema/*.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/**/*.test.{ts,tsx}"],
  ignoreNoDocuments: false,
  generates: {
    "generated/graphql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Operations are sent as strings; no GraphQL parser in the browser bundle.
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown", BoardConfigSchemaId: "string" },
      },
    },
  },
};

export default config;
