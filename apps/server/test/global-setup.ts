import { setupTestRun } from "@bbos/test-utils";

export default function setup(): Promise<() => Promise<void>> {
  return setupTestRun({ databases: true });
}
