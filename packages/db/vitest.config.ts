import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // Spawning the Prisma CLI (migrations) takes a few seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
