import { describe, expect, it, vi } from "vitest";

import type { BuildRunPayload } from "@bbos/queue";

import { PermanentBuildError } from "./permanent-build-error.ts";
import { runBuild, type RecipeRunner, type RunBuildPorts } from "./run-build.ts";

const input: BuildRunPayload = { buildId: "6f1c2d3e-4b5a-4c6d-8e7f-901234567890" };

type PortEvent = ["progress", string, number] | ["log", string];

/** In-memory ports that record every call, in order, in `events`. */
function memoryPorts(runner: RecipeRunner | null, signal = new AbortController().signal) {
  const events: PortEvent[] = [];
  const ports: RunBuildPorts = {
    runner,
    signal,
    progress: {
      report: (stage, fraction) => {
        events.push(["progress", stage, fraction]);
        return Promise.resolve();
      },
    },
    log: {
      append: (line) => {
        events.push(["log", line]);
        return Promise.resolve();
      },
    },
  };
  return { ports, events };
}

describe("runBuild", () => {
  it("gives the runner the payload and passes its progress and log lines on, in order", async () => {
    const seen: BuildRunPayload[] = [];
    const { ports, events } = memoryPorts({
      async run(payload, { progress, log }) {
        seen.push(payload);
        await progress.report("fetch", 0);
        await log.append("fetching sources");
        await progress.report("compile", 0.5);
        await log.append("compiled");
        await progress.report("compile", 1);
      },
    });

    await runBuild(input, ports);

    expect(seen).toEqual([input]);
    expect(events).toEqual([
      ["progress", "fetch", 0],
      ["log", "fetching sources"],
      ["progress", "compile", 0.5],
      ["log", "compiled"],
      ["progress", "compile", 1],
    ]);
  });

  it("fails permanently, saying why in the build log, when no runner is configured", async () => {
    const { ports, events } = memoryPorts(null);

    const run = runBuild(input, ports);

    await expect(run).rejects.toThrow(PermanentBuildError);
    await expect(run).rejects.toThrow("no recipe runner is configured on this worker");
    expect(events).toEqual([
      ["log", "cannot run build: no recipe runner is configured on this worker"],
    ]);
  });

  it("does not start the runner when the build is already aborted", async () => {
    const run = vi.fn<RecipeRunner["run"]>(() => Promise.resolve());
    const { ports } = memoryPorts({ run }, AbortSignal.abort("worker shutting down"));

    await expect(runBuild(input, ports)).rejects.toThrow("build aborted: worker shutting down");
    expect(run).not.toHaveBeenCalled();
  });

  it("stops passing reports on once aborted, and fails even if the runner then returns", async () => {
    const controller = new AbortController();
    const { ports, events } = memoryPorts(
      {
        // A runner that ignores the abort and carries on to the end.
        async run(_payload, { progress, log }) {
          await progress.report("compile", 0.25);
          controller.abort("worker shutting down");
          await log.append("still compiling");
          await progress.report("compile", 1);
        },
      },
      controller.signal,
    );

    await expect(runBuild(input, ports)).rejects.toThrow("build aborted: worker shutting down");
    expect(events).toEqual([["progress", "compile", 0.25]]);
  });

  it("lets the runner's own error through unchanged, so the runner decides about retries", async () => {
    const transient = new Error("registry timeout");
    const { ports } = memoryPorts({ run: () => Promise.reject(transient) });

    await expect(runBuild(input, ports)).rejects.toBe(transient);
  });
});
