// PostgreSQL is the record of builds; Redis carries the work in flight and can lose it (a
// restart without persistence, an eviction). Reconciliation looks at every build that has not
// ended and makes sure something will end it: a build whose job is gone is queued again, and one
// whose job failed without the build saying so (it stalled too often) is failed with the reason.
import { transition, type BuildEvent } from "@bbos/core/build";
import { changeBuild, listUnfinishedBuilds, type BuildRow, type Db } from "@bbos/db";
import { enqueueBuild, type BuildQueue } from "@bbos/queue";
import type { Logger } from "pino";

export interface ReconcileOptions {
  db: Db;
  queue: BuildQueue;
  /** Whether the worker with this id still sends heartbeats. */
  isWorkerAlive: (workerId: string) => Promise<boolean>;
  log: Logger;
  /** Told of every build reconciliation changed. */
  published: (build: BuildRow) => void;
  now?: () => Date;
}

/**
 * A queued build younger than this may not have its job yet: the API creates the row, then
 * enqueues.
 */
const ENQUEUE_GRACE_MS = 60_000;

/** Reconciles every unfinished build once; returns what it did, by build id. */
export async function reconcileBuilds(options: ReconcileOptions): Promise<Map<string, string>> {
  const { db, queue, log } = options;
  const done = new Map<string, string>();
  const now = options.now ?? (() => new Date());
  const apply = async (build: BuildRow, event: BuildEvent) => {
    const changed = await changeBuild(db, build.id, (state) => transition(state, event));
    if (changed?.ok) options.published(changed.build);
    return changed;
  };

  for (const build of await listUnfinishedBuilds(db)) {
    const job = await queue.getJob(build.id);
    const state = job ? await job.getState() : "missing";
    if (state === "missing" || state === "unknown") {
      if (
        build.status === "QUEUED" &&
        now().getTime() - build.queuedAt.getTime() < ENQUEUE_GRACE_MS
      ) {
        continue;
      }
      // A live worker may still be running a build whose job Redis lost; it records the end.
      if (
        build.status === "RUNNING" &&
        build.workerId &&
        (await options.isWorkerAlive(build.workerId))
      ) {
        continue;
      }
      const changed = await apply(build, {
        type: "requeue",
        reason: "its job was lost from the queue",
        at: now(),
      });
      if (changed?.ok && changed.build.status === "QUEUED") {
        await enqueueBuild(queue, { buildId: build.id }, { priority: build.priority });
        done.set(build.id, "requeued");
        log.warn({ buildId: build.id }, "build had no job in the queue: queued it again");
      }
    } else if (state === "failed" || state === "completed") {
      const reason = job?.failedReason || `its job ${state} without the build recording an end`;
      const changed = await apply(build, { type: "abandon", reason, at: now() });
      if (changed?.ok) {
        done.set(build.id, "failed");
        log.warn({ buildId: build.id, reason }, "build's job ended without it: failed the build");
      }
    }
  }
  return done;
}
