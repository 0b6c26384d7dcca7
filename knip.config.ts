// Dead-code check (`npx knip`, part of `npm test`): unused files, exports and dependencies.
import type { KnipConfig } from "knip";

const config: KnipConfig = {
  // Our packages are internal: an export of a package's index that nobody imports is dead too.
  includeEntryExports: true,
  // Values only: packages export the types of their functions' parameters and results for
  // callers to name, and an unused type costs nothing at run time.
  exclude: ["types"],
  workspaces: {
    ".": {
      entry: ["scripts/*.ts", "tooling/*.mjs"],
      project: ["scripts/**/*.ts", "tooling/**/*.mjs"],
    },
    "apps/server": {
      entry: ["bench/*.bench.ts", "scripts/*.ts"],
      project: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
      // Declared for the bundle: esbuild keeps them external, and tooling/build-node-app.mjs
      // checks that the app resolves the versions the bundled @bbos/core imports.
      ignoreDependencies: ["ajv", "ajv-formats"],
      // Debian's redis-server: the Redis restart test runs a private one.
      ignoreBinaries: ["redis-server"],
    },
    "apps/web": {
      project: ["src/**/*.{ts,tsx}", "test/**/*.{ts,tsx}", "bench/**/*.ts"],
      // Imported by the generated operations (generated/graphql/).
      ignoreDependencies: ["@graphql-typed-document-node/core"],
    },
    "workers/builder": {
      entry: ["scripts/*.ts", "src/builder.ts", "src/docker/index.ts"],
      project: ["src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    },
    "packages/core": { project: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts"] },
    "packages/db": {
      entry: ["scripts/*.ts", "migrate.config.ts"],
      project: ["src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
      // The generated client imports @prisma/client; scripts/prisma.ts runs both CLIs by path.
      ignoreDependencies: ["@prisma/client", "prisma"],
    },
    "packages/collab": { project: ["src/**/*.ts", "test/**/*.ts"] },
    "packages/queue": { project: ["src/**/*.ts", "test/**/*.ts"] },
    "packages/artifacts": { project: ["src/**/*.ts", "test/**/*.ts"] },
    "packages/recipes": { project: ["src/**/*.ts"] },
    "packages/test-utils": {
      project: ["src/**/*.ts"],
      // util-linux: runs the private PostgreSQL server as the `postgres` user when tests run as root.
      ignoreBinaries: ["runuser"],
    },
    schemas: {
      entry: ["scripts/*.ts"],
      project: ["*.ts", "scripts/**/*.ts"],
      // Debian's dpkg: the catalogue refresh unpacks downloaded boot-loader packages with it.
      ignoreBinaries: ["dpkg-deb"],
    },
  },
};

export default config;
