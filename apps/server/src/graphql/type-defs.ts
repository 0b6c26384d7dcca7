import { readdirSync, readFileSync } from "node:fs";

/**
 * The SDL files of src/graphql/schema/, the single source of the API's types: the server loads
 * them here, and GraphQL Code Generator reads the same files for the resolver types
 * (generated/graphql.ts) and the web app's operations. The production bundle carries a copy
 * next to dist/main.js (build.mjs), which is where `import.meta.dirname` points there.
 */
export function loadTypeDefs(directory = `${import.meta.dirname}/schema`): string[] {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(".graphql"))
    .sort();
  if (files.length === 0) throw new Error(`no GraphQL SDL files in ${directory}`);
  return files.map((name) => readFileSync(`${directory}/${name}`, "utf8"));
}
