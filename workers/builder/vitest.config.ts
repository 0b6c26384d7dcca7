import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // Integration tests use the local Redis, each with its own BullMQ prefix. They are timing
    // sensitive (grace periods of tens of milliseconds), so files run one at a time to keep a
    // small CI machine from starving them.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
