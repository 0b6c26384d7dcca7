import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

/**
 * The API server (apps/server) serves GraphQL over HTTP and graphql-ws, the Yjs endpoint,
 * artifact downloads and the signing key.
 */
const apiOrigin = "http://127.0.0.1:4000";

export default defineConfig({
  plugins: [react()],
  resolve: {
    // npm installs a second, identical ajv 8 under @rjsf/validator-ajv8 (the root's ajv is 6, for
    // tooling); resolving every import of it from here bundles one copy (bench/bundle-size.ts).
    dedupe: ["ajv"],
  },
  server: {
    // Same-origin paths in dev and prod, so the app never needs to know the API's address.
    proxy: {
      "/graphql": { target: apiOrigin, ws: true },
      "/collab": { target: apiOrigin, ws: true },
      "/auth": { target: apiOrigin },
      "/healthz": { target: apiOrigin },
      "/readyz": { target: apiOrigin },
      "/artifacts": { target: apiOrigin },
      "/share": { target: apiOrigin },
      "/builds": { target: apiOrigin },
      "/.well-known/bbos": { target: apiOrigin },
    },
  },
  build: { outDir: "dist" },
  test: {
    environment: "jsdom",
    setupFiles: ["./test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
  },
});
