import { setupTestRun } from "@bbos/test-utils";

export default function setup(): Promise<() => Promise<void>> {
  // Databases: the worker records every build in PostgreSQL, so its tests make build rows.
  return setupTestRun({ databases: true });
}
