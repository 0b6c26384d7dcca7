/** The cancel signals of the builds this worker runs, by build id. */
export interface CancelRegistry {
  /** A signal that aborts when {@link CancelRegistry.cancel} names the build; release it after. */
  register(buildId: string): { signal: AbortSignal; release(): void };
  /** Aborts the build's signal if this worker runs it; true if it did. */
  cancel(buildId: string): boolean;
}

/** Creates an empty {@link CancelRegistry}. */
export function createCancelRegistry(): CancelRegistry {
  const running = new Map<string, AbortController>();
  return {
    register(buildId) {
      const controller = new AbortController();
      running.set(buildId, controller);
      return {
        signal: controller.signal,
        release: () => {
          if (running.get(buildId) === controller) running.delete(buildId);
        },
      };
    },
    cancel(buildId) {
      const controller = running.get(buildId);
      controller?.abort(new Error("canceled by request"));
      return controller !== undefined;
    },
  };
}
