import { randomUUID } from "node:crypto";

/** A BullMQ prefix no other test uses; clean up with `queue.obliterate({ force: true })`. */
export function uniquePrefix(): string {
  return `test-${randomUUID()}`;
}
