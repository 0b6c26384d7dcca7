import { defineConfig } from "vitest/config";

// No global setup: the S3 tests start their own s3rver on port 0 in a temporary folder, and the
// signing and checksum tests run the installed `minisign` and `sha256sum`.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers
    // through its legacy provider; without it, listing more than 1,000 keys fails with
    // InternalError. This only adds algorithms: nothing under test uses them.
    execArgv: ["--openssl-legacy-provider"],
  },
});
