// Live build events for subscriptions, from any API node and any worker: build updates arrive
// over Redis pub/sub as hints (`buildId`, `projectId`) and each is answered by reading the row
// from PostgreSQL, the record; log lines come from the build's Redis stream.
import { EventEmitter, on } from "node:events";

import { isBuildId, isTerminal } from "@bbos/core";
import { findBuild, type BuildRow, type Db } from "@bbos/db";
import {
  readBuildLog,
  type BuildChannels,
  type BuildLogFollower,
  type BuildLogLine,
  type BuildUpdatePayload,
} from "@bbos/queue";
import type { Redis } from "ioredis";

import type { Logger } from "../logger.ts";

export interface BuildEventsOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  channels: BuildChannels;
  follower: BuildLogFollower;
  log: Logger;
}

const UPDATE = "update";

/** Publishes and follows build events; one per process. */
export function createBuildEvents(options: BuildEventsOptions) {
  const { db, redis, prefix, channels, follower, log } = options;
  const updates = new EventEmitter();
  // Every subscription listens here; without a limit Node warns past ten.
  updates.setMaxListeners(0);
  const stop = channels.onBuildUpdate((update) => updates.emit(UPDATE, update));

  /**
   * Each update from the moment of the call (`on` listens at once and buffers), until `signal`
   * aborts; the caller reads the rows from PostgreSQL.
   */
  function hints(signal: AbortSignal): AsyncGenerator<BuildUpdatePayload> {
    const events = on(updates, UPDATE, { signal });
    return (async function* () {
      try {
        for await (const [update] of events) yield update as BuildUpdatePayload;
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    })();
  }

  return {
    /** Tells every API node that the build's row changed. */
    async published(build: BuildRow): Promise<void> {
      await channels
        .publishBuildUpdate({ buildId: build.id, projectId: build.projectId })
        .catch((error: unknown) =>
          log.warn({ err: error, buildId: build.id }, "could not publish a build update"),
        );
    },

    /** Tells the worker running the build to stop it. */
    cancel: (buildId: string) => channels.publishCancel(buildId),

    /**
     * The build's log after `after`, then live until it ends. A build that has ended and whose
     * log has expired from Redis (its archive is an artifact) yields nothing.
     */
    async *log(build: BuildRow, after: number, signal: AbortSignal): AsyncGenerator<BuildLogLine> {
      if (isTerminal(build.status)) {
        const page = await readBuildLog(redis, { prefix, buildId: build.id, after, limit: 1 });
        if (page.firstAvailableSeq === null && !page.ended) return;
      }
      yield* follower.follow(build.id, after, signal);
    },

    /** The build now, then after every change, until it has ended or `signal` aborts. */
    async *buildUpdates(build: BuildRow, signal: AbortSignal): AsyncGenerator<BuildRow> {
      const changes = hints(signal);
      yield build;
      if (isTerminal(build.status)) return;
      // Anything that changed between reading `build` and listening is caught by one re-read.
      const current = await findBuild(db, build.id);
      if (current && current.status !== build.status) yield current;
      if (current && isTerminal(current.status)) return;
      for await (const update of changes) {
        if (update.buildId !== build.id || !isBuildId(update.buildId)) continue;
        const row = await findBuild(db, update.buildId);
        if (!row) return;
        yield row;
        if (isTerminal(row.status)) return;
      }
    },

    /** Every build of the project as it changes, until `signal` aborts. */
    async *projectUpdates(projectId: string, signal: AbortSignal): AsyncGenerator<BuildRow> {
      for await (const update of hints(signal)) {
        if (update.projectId !== projectId || !isBuildId(update.buildId)) continue;
        const row = await findBuild(db, update.buildId);
        if (row) yield row;
      }
    },

    close(): void {
      stop();
      updates.removeAllListeners();
    },
  };
}

export type BuildEvents = ReturnType<typeof createBuildEvents>;
