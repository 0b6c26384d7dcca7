import { prepareTestDatabases } from "@bbos/test-utils";

export default async function setup(): Promise<void> {
  await prepareTestDatabases();
}
