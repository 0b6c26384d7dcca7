// GraphQL Code Generator: resolver types from the SDL in src/graphql/schema/, mapped to the rows
// and values the services return. `npm run codegen` (turbo runs it before typecheck, test and
// build) writes generated/graphql.ts; never edit that file.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "src/graphql/schema/*.graphql",
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript", "typescript-resolvers"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        useIndexSignature: false,
        contextType: "../src/graphql/context.ts#GraphQLContext",
        // What resolvers return for each object type; fields missing there need a resolver.
        mappers: {
          User: "@bbos/db#UserRow",
          Project: "@bbos/db#MemberProjectRow",
          Membership: "@bbos/db#MemberRow",
          ApiToken: "@bbos/db#ApiTokenRow",
          AuditEvent: "@bbos/db#AuditEventRow",
          ShareLink: "@bbos/db#ShareLinkRow",
          ProjectFile: "@bbos/db#ProjectFileRow",
          FileVersion: "@bbos/db#FileVersionRow",
          Board: "@bbos/db#BoardRow",
          ConfigVersion: "@bbos/db#ConfigVersionRow",
          ConfigChange: "@bbos/collab#ConfigChange",
          BoardConfigSchema: "@bbos/schemas#BoardConfigSchemaEntry",
          CatalogueBoard: "@bbos/schemas#CatalogueBoard",
          ValidationResult: "@bbos/core#ValidationResult",
          ValidationIssue: "@bbos/core#ValidationIssue",
          Build: "@bbos/db#BuildRow",
          Artifact: "@bbos/db#ArtifactRow",
          BuildLogLine: "@bbos/queue#BuildLogLine",
          BuildRecipe: "@bbos/core#Recipe",
          BuildStage: "@bbos/core#RecipeStage",
        },
        mapperTypeSuffix: "Mapper",
        scalars: {
          DateTime: { input: "Date", output: "Date | string" },
          JSON: "unknown",
          BoardConfigSchemaId: 'import("@bbos/schemas").BoardConfigSchemaId',
        },
        // The internal spelling of each enum value (catalogue and core use lower case).
        enumValues: {
          HealthStatus: { OK: "ok" },
          Severity: { ERROR: "error", WARNING: "warning" },
          Architecture: { ARM64: "arm64", ARMHF: "armhf", AMD64: "amd64" },
          Recipe: { DEBIAN: "debian", ARMBIAN: "armbian" },
          SupportTier: { STANDARD: "standard", COMMUNITY: "community", VIRTUAL: "virtual" },
          PartitionTable: { MSDOS: "msdos", GPT: "gpt" },
          ChangeKind: { ADDED: "added", REMOVED: "removed", CHANGED: "changed" },
          BuildLogStream: { OUT: "out", ERR: "err", SYSTEM: "sys" },
        },
      },
    },
  },
};

export default config;
