import { defineConfig } from "vitest/config";

import base from "./vitest.config.ts";

// The hostile-input suite on its own, so its time bound (scripts/test-summary.ts) measures this
// suite and not the other files Vitest interleaves with it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/adversarial/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
  },
});
