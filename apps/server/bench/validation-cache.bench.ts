// Validations per second through the server's validation service, cache miss against cache hit,
// beside bare Ajv (same options, same schema) and validating without any cache, in one run, for
// the typical and the maximal example, each sent as JSON text and as a parsed value (which the
// service validates without the cache).
//   npm run bench -w @bbos/server
import { pino } from "pino";

import { createConfigAjv, defaultConfigValidator, parseConfigJson } from "@bbos/core";
import { boardConfigSchemas } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };

import { createValidationService } from "../src/services/validation-service.ts";

const RUNS = 5;
const SCHEMA_ID = "board-config/1";

/** Calls per timed run, sized so that a run takes roughly 100–300 ms on a 2-core machine. */
const ITERATIONS: Readonly<Record<string, number>> = { typical: 5000, maximal: 200 };

const validator = defaultConfigValidator();
// The same Ajv options the validator uses, without our parsing, rules and issue mapping.
const bareValidate = createConfigAjv().compile(boardConfigSchemas[SCHEMA_ID].schema);
const service = createValidationService({ validator, log: pino({ level: "silent" }) });

/**
 * Median operations per second of each op over RUNS timed runs of `iterations` calls, after one
 * untimed run. The ops take turns run by run, so that garbage one of them leaves behind, or other
 * load on the machine, weighs on all of them alike. Each op gets its own call numbers, 0 up to
 * (RUNS + 1) × iterations, never repeated, so inputs indexed by them are all distinct.
 */
function measure<TName extends string>(
  iterations: number,
  ops: Record<TName, (call: number) => unknown>,
): Record<TName, number> {
  const entries = Object.entries(ops) as [TName, (call: number) => unknown][];
  const rates = entries.map((): number[] => []);
  for (let run = 0; run <= RUNS; run++) {
    for (const [index, [, op]] of entries.entries()) {
      const started = performance.now();
      for (let i = 0; i < iterations; i++) op(run * iterations + i);
      // Run 0 warms up the JIT (and fills the cache for a hit).
      if (run > 0) rates[index]?.push(iterations / ((performance.now() - started) / 1000));
    }
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return Object.fromEntries(
    entries.map(([name], index) => [name, median(rates[index] ?? [])]),
  ) as Record<TName, number>;
}

/** A distinct but equally valid config per index, so that every call misses the cache. */
function variant(config: object, index: number): object {
  const { system } = config as { system: object };
  return { ...config, system: { ...system, hostname: `bench-${index}` } };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

/** Prints a table with the first column left-aligned and the others right-aligned. */
function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  console.log(title);
  for (const row of rows) {
    console.log(
      row
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join("  "),
    );
  }
}

const textRows = [
  ["config", "chars", "bare Ajv/s", "no cache/s", "miss/s", "hit/s", "hit÷miss", "hit÷no cache"],
];
const valueRows = [
  ["config", "chars", "bare Ajv/s", "no cache/s", "service/s", "service÷no cache"],
];
for (const [name, example] of [
  ["typical", typical],
  ["maximal", maximal],
] as const) {
  const iterations = ITERATIONS[name] ?? 1000;
  const text = JSON.stringify(example);
  const chars = text.length.toLocaleString("en-US");
  // Built before timing, so that a miss pays for validation, not for making its input.
  const distinct = Array.from({ length: iterations * (RUNS + 1) }, (_, i) =>
    JSON.stringify(variant(example, i)),
  );

  const asText = measure(iterations, {
    bare: () => bareValidate(example),
    // The same distinct inputs as a miss, so that both pay for reading input the CPU has not
    // seen yet and differ only by the cache.
    uncached: (call) => validator.validate(SCHEMA_ID, parseConfigJson(distinct[call])),
    miss: (call) => service.validate(SCHEMA_ID, distinct[call]),
    hit: () => service.validate(SCHEMA_ID, text),
  });
  textRows.push([
    name,
    chars,
    fmt(asText.bare),
    fmt(asText.uncached),
    fmt(asText.miss),
    fmt(asText.hit),
    ratio(asText.hit, asText.miss),
    ratio(asText.hit, asText.uncached),
  ]);

  const asValue = measure(iterations, {
    bare: () => bareValidate(example),
    uncached: () => validator.validate(SCHEMA_ID, parseConfigJson(example)),
    service: () => service.validate(SCHEMA_ID, example),
  });
  valueRows.push([
    name,
    chars,
    fmt(asValue.bare),
    fmt(asValue.uncached),
    fmt(asValue.service),
    ratio(asValue.service, asValue.uncached),
  ]);
}

console.log(
  `validation service, schema ${SCHEMA_ID}, median of ${RUNS} runs, Node ${process.version}`,
);
console.log("no cache = parseConfigJson + validate, in process; ratios compare calls per second\n");
printTable("config as JSON text (cached):", textRows);
console.log("");
printTable("config as a parsed value (skips the cache):", valueRows);
const { hits, misses, skipped } = service.stats();
console.log(`\nservice stats: ${hits} hits, ${misses} misses, ${skipped} skipped`);
