import type Docker from "dockerode";

import { dockerMessage, dockerStatusCode } from "./docker-errors.ts";
import { LABEL_BUILD_ID, LABEL_INSTALLATION, LABEL_WORKER_ID } from "./labels.ts";

/** Options for {@link removeOrphanContainers}. */
export interface RemoveOrphansOptions {
  /** Only containers labelled `io.bbos.installation=<installation>` are considered. */
  installation: string;
  /** Whether the worker that a container's `io.bbos.worker-id` label names still runs. */
  isWorkerAlive: (workerId: string) => Promise<boolean>;
}

/** A container {@link removeOrphanContainers} removed. */
export interface RemovedOrphan {
  id: string;
  /** Its `io.bbos.build-id` label, `null` when it has none. */
  buildId: string | null;
}

/**
 * Removes (forced, running or not) the containers of `installation` whose worker is gone: those
 * whose `io.bbos.worker-id` label names a worker for which `isWorkerAlive` resolves `false`.
 *
 * Deliberately left alone: containers of other installations, containers without a worker-id
 * label (nothing says who owns them), and containers of live workers. `isWorkerAlive` is asked
 * once per worker id. A container that disappears meanwhile (its worker removed it) is skipped.
 *
 * @throws Error when listing fails, a removal fails for another reason than "already gone", or
 * `isWorkerAlive` rejects; containers removed before that stay removed.
 */
export async function removeOrphanContainers(
  docker: Docker,
  { installation, isWorkerAlive }: RemoveOrphansOptions,
): Promise<{ removed: RemovedOrphan[] }> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_INSTALLATION}=${installation}`] },
  });
  const alive = new Map<string, boolean>();
  const removed: RemovedOrphan[] = [];
  for (const info of containers) {
    // The engine filtered already; checked again so a filter mistake can never reach further.
    if (info.Labels[LABEL_INSTALLATION] !== installation) continue;
    const workerId = info.Labels[LABEL_WORKER_ID];
    if (workerId === undefined || workerId === "") continue;
    let isAlive = alive.get(workerId);
    if (isAlive === undefined) {
      isAlive = await isWorkerAlive(workerId);
      alive.set(workerId, isAlive);
    }
    if (isAlive) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
    } catch (error) {
      const status = dockerStatusCode(error);
      if (status === 404 || (status === 409 && /already in progress/i.test(dockerMessage(error)))) {
        continue;
      }
      throw new Error(`could not remove orphan container ${info.Id}: ${dockerMessage(error)}`, {
        cause: error,
      });
    }
    removed.push({ id: info.Id, buildId: info.Labels[LABEL_BUILD_ID] ?? null });
  }
  return { removed };
}
