// Bundles a Node app (server, worker) into dist/main.js. Workspace packages (@bbos/*) and the
// generated Prisma client are TypeScript sources, which Node will not run from node_modules, so
// they go into the bundle; third-party packages stay external and load from node_modules.
import { readFileSync } from "node:fs";

import { build } from "esbuild";

/** "name@version" of the installed package a resolved file belongs to ("" if none). */
function packageIdentity(file, specifier) {
  const name = specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : specifier.split("/")[0];
  const marker = `/node_modules/${name}/`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return "";
  const manifest = JSON.parse(
    readFileSync(`${file.slice(0, at + marker.length)}package.json`, "utf8"),
  );
  return `${name}@${manifest.version}`;
}

/**
 * Keeps third-party packages external, and fails the build when one would load a different
 * version at run time: the bundle resolves from the app's folder, while the bundled workspace package
 * that imports it may have its own version (e.g. ajv 8 under packages/core while the root has ajv 6).
 * The fix is to declare the package, at that version, in the app's package.json.
 * @type {import("esbuild").Plugin}
 */
const externalThirdParty = {
  name: "external-third-party",
  setup(pluginBuild) {
    const appDir = process.cwd();
    // Bare specifiers only: relative and absolute paths are our own files.
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@bbos/") || args.pluginData === "probe") return undefined;
      if (!args.path.startsWith("node:") && args.resolveDir && args.resolveDir !== appDir) {
        const probe = { kind: args.kind, pluginData: "probe" };
        const fromImporter = await pluginBuild.resolve(args.path, {
          ...probe,
          resolveDir: args.resolveDir,
        });
        const fromApp = await pluginBuild.resolve(args.path, { ...probe, resolveDir: appDir });
        const wanted = packageIdentity(fromImporter.path, args.path);
        if (wanted !== packageIdentity(fromApp.path, args.path)) {
          return {
            errors: [
              {
                text: `${args.importer} imports ${wanted}, which the app does not resolve (it finds ${fromApp.path || "nothing"}); declare ${wanted} in the app's package.json`,
              },
            ],
          };
        }
      }
      return { path: args.path, external: true };
    });
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
