// One flat config for the whole workspace; each package runs `eslint .` and ESLint finds this
// file by walking up from the linted files.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const ioLibraries = [
  "pg",
  "ioredis",
  "bullmq",
  "dockerode",
  "@prisma/*",
  "express",
  "ws",
  "node:*",
];

// What each layer must not import (the arrows in ARCHITECTURE.md), with the reason the linter
// shows. Regexes match the specifier as written, so they also catch relative paths that climb
// into another workspace (`../../apps/server/src/…`).
const ban = {
  io: { group: ioLibraries, message: "packages/core is pure: no I/O libraries." },
  collabIo: {
    group: ioLibraries,
    message: "packages/collab is the pure document model shared with the browser: no I/O.",
  },
  apps: {
    regex: "^@bbos/(server|web)(/|$)|(^|/)apps/",
    message: "Apps depend on packages, never the reverse: move the shared code into a package.",
  },
  workers: {
    regex: "^@bbos/builder(/|$)|(^|/)workers/",
    message: "Workers are deployables, not libraries: move the shared code into a package.",
  },
  serverInternals: {
    regex: "^@bbos/server(/|$)|(^|/)server/src/",
    message: "The web app reaches the server over GraphQL only: share code through a package.",
  },
  db: {
    regex: "^@bbos/db(/|$)",
    message: "@bbos/db opens PostgreSQL connections: only the server and workers may use it.",
  },
  dbFromCore: {
    regex: "^@bbos/db(/|$)",
    message: "packages/core is pure: persistence goes through @bbos/db in the services.",
  },
  queue: {
    regex: "^@bbos/queue(/|$)",
    message: "@bbos/queue talks to Redis: only the server and workers may use it.",
  },
  queueFromDb: {
    regex: "^@bbos/queue(/|$)",
    message: "@bbos/db and @bbos/queue are independent adapters: compose them in a service.",
  },
  dbFromQueue: {
    regex: "^@bbos/db(/|$)",
    message: "@bbos/queue and @bbos/db are independent adapters: compose them in a service.",
  },
  coreValues: {
    regex: "^@bbos/core(/|$)",
    allowTypeImports: true,
    message: "@bbos/db takes only types from @bbos/core (e.g. ids): domain rules run in services.",
  },
  node: {
    group: ["node:*"],
    message: "The web app runs in the browser: Node built-ins do not exist there.",
  },
  testUtils: {
    regex: "^@bbos/test-utils(/|$)",
    message: "@bbos/test-utils creates and drops databases: only tests and benchmarks may use it.",
  },
  testUtilsInBrowser: {
    regex: "^@bbos/test-utils(/|$)",
    message: "Web tests run in jsdom, and @bbos/test-utils needs Node, PostgreSQL and Redis.",
  },
};

// Where @bbos/test-utils is allowed: tests, their fixtures and setup, benchmarks.
const testFiles = ["**/*.test.{ts,tsx}", "**/test/**", "**/bench/**"];

/**
 * Import bans for one layer, plus `testUtils` in its files that are not tests (in all of them
 * with `inTests`). Flat config replaces (not merges) a rule's options when several objects match
 * a file, so each layer lists every ban that applies to it, and a more specific layer comes later.
 */
function layer(files, bans, { testUtils = ban.testUtils, inTests = false } = {}) {
  const rule = (patterns) => ({
    "@typescript-eslint/no-restricted-imports": ["error", { patterns }],
  });
  if (inTests) return [{ files, rules: rule([...bans, testUtils]) }];
  return [
    { files, rules: rule(bans) },
    { files, ignores: testFiles, rules: rule([...bans, testUtils]) },
  ];
}

const packageBans = [ban.apps, ban.workers];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/generated/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Import cycles across files and across workspaces (packages export their .ts sources, so
    // the resolver follows `@bbos/*` into them). Type-only imports are not cycles at runtime
    // and are skipped; npm packages are not traversed (ignoreExternal), which keeps it fast.
    files: ["**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver()],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  ...layer(["**/*.{ts,tsx}"], []),
  ...layer(["packages/**/*.ts"], packageBans),
  ...layer(["packages/core/src/**/*.ts"], [ban.io, ban.dbFromCore, ban.queue, ...packageBans]),
  ...layer(["packages/collab/src/**/*.ts"], [ban.collabIo, ban.db, ban.queue, ...packageBans]),
  ...layer(["packages/db/**/*.ts"], [ban.queueFromDb, ban.coreValues, ...packageBans]),
  ...layer(["packages/queue/**/*.ts"], [ban.dbFromQueue, ...packageBans]),
  ...layer(["workers/builder/**/*.ts"], [ban.apps]),
  ...layer(["apps/web/src/**/*.{ts,tsx}"], [ban.db, ban.queue, ban.serverInternals, ban.node], {
    testUtils: ban.testUtilsInBrowser,
    inTests: true,
  }),
  {
    // The pure core never reads the environment.
    files: ["packages/core/src/**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in the app's env.ts." },
      ],
    },
  },
  {
    // Configuration is read in one validated module per app.
    files: ["apps/server/src/**/*.ts", "workers/builder/src/**/*.ts"],
    ignores: ["**/env.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env.ts." },
      ],
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
);
