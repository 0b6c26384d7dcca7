// In-memory ports for `runBuild`: the build logs and build updates record what reaches them,
// and recipe runners are small functions of the test (the Docker runner has its own tests).
import type { ArtifactInput, BuildRow } from "@bbos/db";

import type { BuildLogs, BuildUpdatesPort, RecipeRunner } from "../src/run-build.ts";

/** One line a build appended to its log. */
interface LoggedLine {
  buildId: string;
  text: string;
  stream: "out" | "err" | "sys" | undefined;
}

/** A {@link BuildLogs} port that keeps every line and every `close`, in order. */
export function memoryBuildLogs() {
  const lines: LoggedLine[] = [];
  const closes: { buildId: string; ended: boolean }[] = [];
  const logs: BuildLogs = {
    open(build) {
      return Promise.resolve({
        append(text, stream) {
          lines.push({ buildId: build.id, text, stream });
        },
        close(ended) {
          closes.push({ buildId: build.id, ended });
          return Promise.resolve();
        },
      });
    },
  };
  return {
    logs,
    lines,
    closes,
    /** The build's lines as `[stream, text]`, `out` for lines appended without a stream. */
    of: (buildId: string) =>
      lines
        .filter((line) => line.buildId === buildId)
        .map((line) => [line.stream ?? "out", line.text]),
    /** The `ended` flags the build's log was closed with, one per attempt. */
    closesOf: (buildId: string) =>
      closes.filter((close) => close.buildId === buildId).map((close) => close.ended),
  };
}

/** A {@link BuildUpdatesPort} that keeps every published build. */
export function memoryUpdates() {
  const published: BuildRow[] = [];
  const updates: BuildUpdatesPort = {
    published(build) {
      published.push(build);
    },
  };
  return {
    updates,
    published,
    /** The statuses published for the build, in order. */
    statusesOf: (buildId: string) =>
      published.filter((build) => build.id === buildId).map((build) => build.status),
  };
}

/** A recipe runner from a `run` function; `discarded` holds what `discard` was given. */
export function testRunner(
  run: RecipeRunner["run"],
): RecipeRunner & { discarded: (readonly ArtifactInput[])[] } {
  const discarded: (readonly ArtifactInput[])[] = [];
  return {
    run,
    discard(artifacts) {
      discarded.push(artifacts);
      return Promise.resolve();
    },
    discarded,
  };
}

/** Resolves once `signal` aborts (at once if it already has), with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });
}

/** A promise with its resolve function outside, for runners the test steps through. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}
