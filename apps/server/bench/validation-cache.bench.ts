// Validations per second through the server's validation service against the real Redis, cache
// miss vs hit, beside bare Ajv (same options) on the same schema in the same run.
//   npm run bench -w @bbos/server
import { Redis } from "ioredis";
import { pino } from "pino";

import { createConfigAjv, defaultConfigValidator } from "@bbos/core";
import { boardConfigSchemas } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };
import { removeRedisKeys, testRedisUrl, uniquePrefix } from "@bbos/test-utils";

import { createValidationService } from "../src/services/validation-service.ts";

const RUNS = 5;
const SCHEMA_ID = "board-config/1";

// The same Ajv options the validator uses, without our parsing, rules and issue mapping.
const bareValidate = createConfigAjv().compile(boardConfigSchemas[SCHEMA_ID].schema);

const redis = new Redis(testRedisUrl());
const keyPrefix = uniquePrefix();
const service = createValidationService({
  validator: defaultConfigValidator(),
  redis,
  log: pino({ level: "silent" }),
  keyPrefix,
});

/** Median operations per second of RUNS timed runs of `iterations` calls, after a warm-up. */
async function measure(iterations: number, op: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 500); i++) await op(-1 - i);
  const rates: number[] = [];
  let offset = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await op(offset + i);
    rates.push(iterations / ((performance.now() - started) / 1000));
    offset += iterations;
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(RUNS / 2)] ?? 0;
}

/** A distinct but equally valid config per index, so every call misses the cache. */
function variant(config: Record<string, unknown>, i: number): Record<string, unknown> {
  const system = (config.system ?? {}) as Record<string, unknown>;
  return { ...config, system: { ...system, hostname: `bench-${Math.abs(i)}` } };
}

const rows: string[][] = [];
for (const [name, config] of [
  ["typical", typical],
  ["maximal", maximal],
] as const) {
  const bare = await measure(5000, () => bareValidate(config));
  const miss = await measure(1000, (i) => service.validate(SCHEMA_ID, variant(config, i)));
  const hit = await measure(1000, () => service.validate(SCHEMA_ID, config));
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  rows.push([
    name,
    fmt(bare),
    fmt(miss),
    fmt(hit),
    (bare / miss).toFixed(1),
    (bare / hit).toFixed(1),
  ]);
}

const header = ["config", "bare ajv/s", "service miss/s", "service hit/s", "ajv÷miss", "ajv÷hit"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
console.log(`validation service with Redis cache (${RUNS} runs, median; Redis ${testRedisUrl()})`);
console.log(line(header));
for (const row of rows) console.log(line(row));

await removeRedisKeys(redis, keyPrefix);
await redis.quit();
