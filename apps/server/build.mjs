import { cpSync, rmSync } from "node:fs";

import { buildNodeApp } from "../../tooling/build-node-app.mjs";

await buildNodeApp();
// The SDL is read at start-up (src/graphql/type-defs.ts), from beside dist/main.js in the bundle.
rmSync("dist/schema", { recursive: true, force: true });
cpSync("src/graphql/schema", "dist/schema", { recursive: true });
