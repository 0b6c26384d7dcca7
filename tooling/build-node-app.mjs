// Bundles a Node app (server, worker) into dist/main.js. Workspace packages (@bbos/*) and the
// generated Prisma client are TypeScript sources, which Node will not run from node_modules, so
// they go into the bundle; third-party packages stay external and load from node_modules.
import { build } from "esbuild";

const workspaceOrRelative = /^(@bbos\/|\.{1,2}\/|\/)/;

/** @param {{ entry?: string, outfile?: string }} [options] */
export async function buildNodeApp({ entry = "src/main.ts", outfile = "dist/main.js" } = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [
      {
        name: "external-third-party",
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, (args) =>
            args.kind === "entry-point" || workspaceOrRelative.test(args.path)
              ? undefined
              : { external: true },
          );
        },
      },
    ],
  });
}
