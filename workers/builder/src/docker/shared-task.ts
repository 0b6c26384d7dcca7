import { describeReason } from "./docker-errors.ts";

/** What a shared task's body receives. */
export interface SharedTaskContext {
  /** Aborted once every caller waiting for the task has given up. */
  signal: AbortSignal;
  /** Sends a line to the `log` of every caller still waiting. */
  log: (line: string) => void;
}

/** One caller of {@link runShared}. */
export interface SharedTaskCaller {
  log: (line: string) => void;
  /** Aborting makes this caller stop waiting (rejecting), not the task itself. */
  signal?: AbortSignal;
}

/** A running task; see {@link runShared}. */
export interface SharedTask {
  promise: Promise<unknown>;
  controller: AbortController;
  callers: Set<SharedTaskCaller>;
}

/** Running tasks by key. */
export type TaskRegistry = Map<string, SharedTask>;

/**
 * Runs `body` once per `key` at a time in this process: a caller that comes while a task with
 * its key is running waits for that same task (and hears its log lines from then on) instead of
 * starting another. The task is aborted only when every caller waiting for it has aborted.
 *
 * @throws the task's error, or Error `<what> was abandoned: <reason>` when `caller.signal` aborts.
 */
export async function runShared<T>(
  tasks: TaskRegistry,
  key: string,
  what: string,
  body: (context: SharedTaskContext) => Promise<T>,
  caller: SharedTaskCaller,
): Promise<T> {
  if (caller.signal?.aborted) throw abandoned(what, caller.signal.reason);
  let task = tasks.get(key);
  if (!task) {
    const callers = new Set<SharedTaskCaller>();
    const controller = new AbortController();
    const log = (line: string): void => {
      for (const each of callers) each.log(line);
    };
    const created: SharedTask = { promise: Promise.resolve(), controller, callers };
    // Registered before the body runs, so that its first log lines reach this caller.
    callers.add(caller);
    created.promise = Promise.resolve()
      .then(() => body({ signal: controller.signal, log }))
      .finally(() => {
        if (tasks.get(key) === created) tasks.delete(key);
      });
    // Callers that gave up no longer await the promise; its rejection is theirs to ignore.
    created.promise.catch(() => undefined);
    tasks.set(key, created);
    task = created;
  } else {
    task.callers.add(caller);
  }
  const current = task;
  const { signal } = caller;
  let onAbort: (() => void) | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => reject(abandoned(what, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  gaveUp.catch(() => undefined);
  try {
    return (await Promise.race([current.promise, gaveUp])) as T;
  } finally {
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    current.callers.delete(caller);
    if (current.callers.size === 0 && signal?.aborted) {
      current.controller.abort(signal.reason);
    }
  }
}

function abandoned(what: string, reason: unknown): Error {
  return new Error(`${what} was abandoned: ${describeReason(reason)}`, { cause: reason });
}
