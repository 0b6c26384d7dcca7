import { defineConfig } from "vitest/config";

import base from "./vitest.config.ts";

// The image tests: real builds with the product's recipes and QEMU boots. Heavy, so one file at a
// time and after the rest of the suite (scripts/test.sh); each prints its timings.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/images/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 60 * 60_000,
  },
});
