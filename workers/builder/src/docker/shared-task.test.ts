import { describe, expect, it } from "vitest";

import { runShared, type SharedTaskContext, type TaskRegistry } from "./shared-task.ts";

/** A task body that runs until `finish` is called or its signal aborts. */
function controllableBody() {
  let finish: (value: string) => void = () => undefined;
  let runs = 0;
  let context: SharedTaskContext | undefined;
  const body = (received: SharedTaskContext) => {
    runs++;
    context = received;
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      received.signal.addEventListener("abort", () => reject(new Error("body aborted")));
    });
  };
  return {
    body,
    finish: (value: string) => finish(value),
    runs: () => runs,
    context: () => context,
  };
}

describe("runShared", () => {
  it("runs the body once for callers that overlap, and sends its log lines to each", async () => {
    const tasks: TaskRegistry = new Map();
    const task = controllableBody();
    const logs: [string[], string[]] = [[], []];
    const first = runShared(tasks, "k", "making", task.body, { log: (l) => logs[0].push(l) });
    const second = runShared(tasks, "k", "making", task.body, { log: (l) => logs[1].push(l) });
    await Promise.resolve();
    task.context()?.log("progress");
    task.finish("done");
    await expect(Promise.all([first, second])).resolves.toEqual(["done", "done"]);
    expect(task.runs()).toBe(1);
    expect(logs).toEqual([["progress"], ["progress"]]);
    expect(tasks.size).toBe(0);
  });

  it("keeps running for the others when one caller aborts, and stops when all have", async () => {
    const tasks: TaskRegistry = new Map();
    const task = controllableBody();
    const a = new AbortController();
    const b = new AbortController();
    const first = runShared(tasks, "k", "making X", task.body, { log: () => {}, signal: a.signal });
    const second = runShared(tasks, "k", "making X", task.body, {
      log: () => {},
      signal: b.signal,
    });
    await Promise.resolve();
    a.abort("first gave up");
    await expect(first).rejects.toThrow("making X was abandoned: first gave up");
    expect(task.context()?.signal.aborted).toBe(false);
    b.abort("second gave up");
    await expect(second).rejects.toThrow("making X was abandoned: second gave up");
    expect(task.context()?.signal.aborted).toBe(true);
  });

  it("starts a new task after the previous one failed", async () => {
    const tasks: TaskRegistry = new Map();
    let runs = 0;
    const failing = () => Promise.reject(new Error(`failure ${++runs}`));
    await expect(runShared(tasks, "k", "x", failing, { log: () => {} })).rejects.toThrow(
      "failure 1",
    );
    await expect(runShared(tasks, "k", "x", failing, { log: () => {} })).rejects.toThrow(
      "failure 2",
    );
  });
});
