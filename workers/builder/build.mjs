import { buildNodeApp } from "../../tooling/build-node-app.mjs";

await buildNodeApp();
