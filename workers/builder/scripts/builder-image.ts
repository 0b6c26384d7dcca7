// `npm run builder-image -w @bbos/builder`: makes the builder image every build step runs in,
// if the Docker engine does not have it yet, and prints its tag. Needs root the first time
// (debootstrap makes the base image on the host). Environment:
//   DOCKER_HOST    the engine (unix:///path or tcp://host:port; default unix:///var/run/docker.sock)
//   DEBIAN_MIRROR  the Debian archive (default: the bookworm entry of apt's configuration)
//   REDIS_PREFIX   the installation the image is labelled with (default bbos)
import { createDocker, describeEngine, ensureBuilderImage } from "../src/docker/index.ts";

const installation = process.env.REDIS_PREFIX || "bbos";
const mirror = process.env.DEBIAN_MIRROR || undefined;

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => controller.abort(`received ${signal}`));
}

try {
  const docker = createDocker(process.env.DOCKER_HOST || undefined);
  const engine = await describeEngine(docker);
  console.log(
    `Docker ${engine.version} (API ${engine.apiVersion}, ${engine.storageDriver}, cgroup v${engine.cgroupVersion}, ${engine.os}/${engine.arch})`,
  );
  const image = await ensureBuilderImage(docker, {
    installation,
    mirror,
    log: (line) => console.log(line),
    signal: controller.signal,
  });
  const took = `${(image.durationMs / 1000).toFixed(1)} s`;
  console.log(image.made ? `made ${image.tag} in ${took}` : `${image.tag} exists already`);
  console.log(image.tag);
} catch (error) {
  console.error(`builder-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
