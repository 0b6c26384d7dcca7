import { createRequire } from "node:module";

import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships a CommonJS build ("main") and an ESM one ("module"). Node, and so Apollo,
    // graphql-tools and graphql-ws, load the CommonJS one; Vite would give our sources the ESM
    // one, and mixing them fails with "Cannot use GraphQLSchema from another module or realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // The image builds and boots run on their own, one at a time (vitest.images.config.ts), and
    // the hostile-input suite on its own, timed (vitest.adversarial.config.ts).
    exclude: ["**/node_modules/**", "test/images/**", "test/adversarial/**"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
