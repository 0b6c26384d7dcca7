import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // Integration tests talk to the local Redis; each uses its own BullMQ prefix, so files may
    // run in parallel.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
