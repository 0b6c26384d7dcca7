// Validations per second for the typical and the maximal example: bare Ajv (the same compiled
// draft 2020-12 schema with the same options, createConfigAjv) against our validate (Ajv + issue
// mapping + cross-field rules). Fixed iteration counts, one warm-up pass, median of RUNS passes.
//   npm run bench -w @bbos/core
import { boardConfigSchemas } from "@bbos/schemas";
import maximal from "@bbos/schemas/examples/maximal.json" with { type: "json" };
import typical from "@bbos/schemas/examples/typical.json" with { type: "json" };

import { createConfigAjv, defaultConfigValidator } from "../src/index.ts";

const SCHEMA_ID = "board-config/1";
const RUNS = 5;

/** Iterations per timed pass, sized so a pass takes roughly 100–300 ms on a laptop. */
const ITERATIONS: Readonly<Record<string, number>> = { typical: 20_000, maximal: 500 };

const bareValidate = createConfigAjv().compile(boardConfigSchemas[SCHEMA_ID].schema);
const validator = defaultConfigValidator();

/**
 * Median operations per second over RUNS passes of `iterations` calls, after one untimed pass
 * (JIT warm-up). `op` returns a boolean that is folded into a sink so the work cannot be skipped.
 */
function measure(iterations: number, op: () => boolean): number {
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += op() ? 1 : 0;
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) sink += op() ? 1 : 0;
    rates.push(iterations / ((performance.now() - started) / 1000));
  }
  if (sink !== iterations * (RUNS + 1)) throw new Error("a benchmarked config is not valid");
  rates.sort((a, b) => a - b);
  return rates[Math.floor(RUNS / 2)] ?? 0;
}

const rows: string[][] = [
  ["config", "size (bytes)", "iterations", "bare Ajv (ops/s)", "validate (ops/s)", "overhead"],
];
for (const [name, config] of [
  ["typical", typical],
  ["maximal", maximal],
] as const) {
  const iterations = ITERATIONS[name] ?? 1000;
  const bare = measure(iterations, () => bareValidate(config));
  const ours = measure(iterations, () => validator.validate(SCHEMA_ID, config).valid);
  rows.push([
    name,
    JSON.stringify(config).length.toLocaleString("en-US"),
    iterations.toLocaleString("en-US"),
    Math.round(bare).toLocaleString("en-US"),
    Math.round(ours).toLocaleString("en-US"),
    `${(bare / ours).toFixed(2)}x`,
  ]);
}

const widths =
  rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
console.log(
  `@bbos/core validate vs bare Ajv, schema ${SCHEMA_ID}, median of ${RUNS} runs (Node ${process.version})`,
);
for (const [index, row] of rows.entries()) {
  console.log(
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  "),
  );
  if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
}
console.log("overhead = bare Ajv ops/s ÷ validate ops/s (1.00x = no overhead)");
