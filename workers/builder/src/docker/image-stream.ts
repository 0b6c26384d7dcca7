import type Docker from "dockerode";

/** One JSON message of an image build or import response. */
export interface ImageStreamEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * Reads an image build or import response to its end, passing each message to `onEvent`.
 *
 * @throws Error with the engine's message when the response reports an error (a failed `RUN`
 * step, a broken archive): the engine signals those inside the stream, with HTTP status 200.
 */
export async function followImageStream(
  docker: Docker,
  response: NodeJS.ReadableStream,
  onEvent: (event: ImageStreamEvent) => void,
): Promise<ImageStreamEvent[]> {
  const events = await new Promise<ImageStreamEvent[]>((resolve, reject) => {
    docker.modem.followProgress(
      response,
      (error: Error | null, output: ImageStreamEvent[]) =>
        error ? reject(error) : resolve(output),
      onEvent,
    );
  });
  const failure = events.find((event) => event.error !== undefined || event.errorDetail);
  if (failure) throw new Error(failure.errorDetail?.message ?? failure.error ?? "unknown error");
  return events;
}
