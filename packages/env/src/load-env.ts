import { z } from "zod";

/** Options of {@link loadEnv}. */
export interface LoadEnvOptions {
  /** Names the process in the error, e.g. "server" → "invalid server configuration:". */
  process: string;
  /** Variables whose values may hold credentials; their values never appear in errors. */
  secrets?: readonly string[];
}

/**
 * Validates the environment against `shape` (one zod schema per variable, keyed by the
 * variable's name) and returns the parsed values under the same names. A variable set to the
 * empty string counts as unset (`VAR=` in a shell or compose file), so it gets its default.
 *
 * @throws Error listing every problem, one line each: `  PORT: must be a whole number (got "x")`.
 */
export function loadEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: Readonly<Record<string, string | undefined>>,
  options: LoadEnvOptions,
): z.infer<z.ZodObject<Shape>> {
  const present = Object.fromEntries(
    Object.entries(source).filter(([name, value]) => name in shape && value !== ""),
  );
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  const secrets = new Set(options.secrets);
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const got =
      secrets.has(name) || !(name in present) ? "" : ` (got ${JSON.stringify(present[name])})`;
    return `  ${name}: ${issue.message}${got}`;
  });
  throw new Error(`invalid ${options.process} configuration:\n${problems.join("\n")}`);
}
