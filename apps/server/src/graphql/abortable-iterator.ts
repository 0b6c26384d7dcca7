/**
 * A subscription's event stream that stops at once when the client unsubscribes or disconnects.
 * graphql-ws calls `return()` then; an async generator waiting inside (for a timer or an event)
 * would only see that at its next `yield`, so `return()` aborts the signal the producer awaits.
 */
export function abortableIterator<T>(
  produce: (signal: AbortSignal) => AsyncGenerator<T>,
): AsyncIterableIterator<T> {
  const stop = new AbortController();
  const iterator = produce(stop.signal);
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => iterator.next(),
    return: () => {
      stop.abort();
      return iterator.return(undefined);
    },
  };
}
