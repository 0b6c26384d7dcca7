import { defineConfig } from "vitest/config";

// Pure tests: no databases, no global setup.
export default defineConfig({ test: {} });
