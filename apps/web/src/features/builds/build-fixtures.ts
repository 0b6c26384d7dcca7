// Test helper: builds, recipes and a signing key as the API returns them. Only tests import it.
import type { BuildDetail } from "./build-operations";

export function buildFixture(overrides: Partial<BuildDetail> = {}): BuildDetail {
  return {
    id: "build-1",
    status: "RUNNING",
    recipe: "debian-image",
    recipeVersion: "1.2.0",
    stage: "kernel",
    stages: [
      { id: "fetch", title: "Fetch sources" },
      { id: "kernel", title: "Compile kernel" },
      { id: "rootfs", title: "Assemble root filesystem" },
      { id: "image", title: "Write disk image" },
      { id: "compress", title: "Compressing the image (xz)" },
    ],
    progress: 0.45,
    queuePosition: null,
    etaSeconds: 180,
    cancelRequested: false,
    queuedAt: "2025-03-01T10:00:00.000Z",
    startedAt: "2025-03-01T10:01:00.000Z",
    finishedAt: null,
    version: { id: "version-3", number: 3 },
    board: { id: "board-1", name: "rpi4-lab" },
    requestedBy: { login: "alice" },
    priority: 0,
    attempt: 1,
    errorMessage: null,
    cacheKey: "c".repeat(64),
    builderImageId: "b".repeat(64),
    reproduceCommand: "bbos build --version version-3 --recipe debian-image@1.2.0",
    logUrl: null,
    retryOf: null,
    artifacts: [],
    ...overrides,
  };
}

export const recipesData = {
  recipes: [
    {
      id: "debian-image",
      version: "1.2.0",
      title: "Debian image",
      stages: [
        { id: "fetch", title: "Fetch sources", weight: 1 },
        { id: "kernel", title: "Compile kernel", weight: 5 },
        { id: "rootfs", title: "Assemble root filesystem", weight: 2 },
        { id: "image", title: "Write disk image", weight: 1 },
      ],
    },
  ],
};

export const signingKeyData = {
  signingKey: {
    keyId: "0123456789ABCDEF",
    publicKey: "RWQBI0VniavN7xAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefgh",
    development: false,
  },
};
