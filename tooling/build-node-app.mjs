// Bundles a Node app (server, worker) into dist/main.js. Workspace packages (@bbos/*) and the
// generated Prisma client are TypeScript sources, which Node will not run from node_modules, so
// they go into the bundle; third-party packages stay external and load from node_modules.
import { build } from "esbuild";

/** @type {import("esbuild").Plugin} */
const externalThirdParty = {
  name: "external-third-party",
  setup(pluginBuild) {
    // Bare specifiers only: relative and absolute paths are our own files.
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@bbos/") ? undefined : { path: args.path, external: true },
    );
  },
};

/** @param {{ entry?: string, outfile?: string }} [options] */
export async function buildNodeApp({ entry = "src/main.ts", outfile = "dist/main.js" } = {}) {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
    plugins: [externalThirdParty],
  });
  // An external @bbos/* import would fail at run time on the .ts source.
  const leftovers = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((entry) => entry.external && entry.path.startsWith("@bbos/"));
  if (leftovers.length > 0) {
    throw new Error(`workspace packages left external: ${leftovers.map((e) => e.path).join(", ")}`);
  }
}
