import type { ErrorObject } from "ajv";

import { appendJsonPointer } from "../json-pointer.ts";
import type { ValidationIssue } from "../validation-result.ts";

/**
 * Keywords whose code is not simply `SCHEMA_` + the keyword in SCREAMING_SNAKE. Both
 * "additional" and "unevaluated" properties mean the same thing to a user: a key the schema does
 * not know.
 */
const CODE_OVERRIDES: Readonly<Record<string, string>> = {
  additionalProperties: "SCHEMA_ADDITIONAL_PROPERTY",
  unevaluatedProperties: "SCHEMA_ADDITIONAL_PROPERTY",
  unevaluatedItems: "SCHEMA_ADDITIONAL_ITEMS",
  "false schema": "SCHEMA_FALSE",
};

/**
 * Ajv reports a failed `if`/`then` twice: the real error from `then`, plus an `if` error that
 * only says "must match then schema". The second adds nothing for a user.
 */
const DROPPED_KEYWORDS: ReadonlySet<string> = new Set(["if"]);

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  ipv4: "IPv4 address",
  ipv6: "IPv6 address",
  uri: "URI",
  "uri-reference": "URI reference",
  email: "e-mail address",
  hostname: "host name",
  "date-time": "date and time (RFC 3339)",
  date: "date (YYYY-MM-DD)",
  time: "time",
  uuid: "UUID",
  regex: "regular expression",
};

/** Longest schema description quoted in a message. */
const MAX_DESCRIPTION_LENGTH = 240;
/** Longest string value quoted back to the user. */
const MAX_ECHO_LENGTH = 64;

/** The `verbose: true` fields Ajv adds; the mapper relies on them for titles and hints. */
type VerboseError = ErrorObject & { parentSchema?: unknown; data?: unknown };

/**
 * Turns Ajv's errors (compiled with `allErrors` and `verbose`) into {@link ValidationIssue}s:
 * JSON Pointer paths that point at the offending property (for `required`, `dependentRequired`,
 * `additionalProperties` the missing or unknown key is appended; for `uniqueItems` the second
 * duplicate), `SCHEMA_*` codes, and sentences that name the field and say what is accepted.
 * Values of `writeOnly` (secret) fields are never quoted back. Duplicates are removed, and so is a
 * second issue that reads the same at the same path: a value that fails both a schema's `pattern`
 * and its `not` is described once, by the schema's description. A value that fails its `pattern`
 * and its `format` (an IPv4 address both spell out) is one problem too, told by the pattern's
 * message, which quotes the schema's words.
 */
export function toSchemaIssues(
  errors: readonly ErrorObject[] | null | undefined,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (DROPPED_KEYWORDS.has(error.keyword)) continue;
    const issue = toIssue(error as VerboseError);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  const patternFailed = new Set(
    issues.filter((issue) => issue.code === "SCHEMA_PATTERN").map((issue) => issue.path),
  );
  return issues.filter((issue) => issue.code !== "SCHEMA_FORMAT" || !patternFailed.has(issue.path));
}

/** `SCHEMA_` plus the keyword in SCREAMING_SNAKE (`minLength` → `SCHEMA_MIN_LENGTH`). */
function schemaIssueCode(keyword: string): string {
  return (
    CODE_OVERRIDES[keyword] ??
    `SCHEMA_${keyword
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/\W+/g, "_")
      .toUpperCase()}`
  );
}

function toIssue(error: VerboseError): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  const parent = asRecord(error.parentSchema);
  let path = error.instancePath;
  let message: string;
  const label = labelOf(path);
  switch (error.keyword) {
    case "required":
    case "dependentRequired": {
      const missing = String(params["missingProperty"]);
      path = appendJsonPointer(path, missing);
      const title = titleOf(asRecord(asRecord(parent?.["properties"])?.[missing]));
      const named = title === undefined ? `'${missing}'` : `${title} ('${missing}')`;
      message =
        error.keyword === "dependentRequired"
          ? `${named} is required when '${String(params["property"])}' is set`
          : `${named} is required${path.split("/").length > 2 ? ` in ${labelOf(error.instancePath)}` : ""}`;
      break;
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const key = String(params["additionalProperty"] ?? params["unevaluatedProperty"]);
      path = appendJsonPointer(path, key);
      const known = Object.keys(asRecord(parent?.["properties"]) ?? {});
      message =
        `unknown property '${key}'${error.instancePath === "" ? "" : ` in ${label}`}` +
        (known.length > 0 ? ` (allowed: ${known.join(", ")})` : "");
      break;
    }
    case "type":
      message = `${label} must be ${describeTypes(params["type"])}`;
      break;
    case "enum":
      message = `${label}${echo(error, parent)} must be one of: ${listValues(params["allowedValues"])}`;
      break;
    case "const":
      message = `${label} must be ${JSON.stringify(params["allowedValue"])}`;
      break;
    case "pattern":
      message = describeMismatch(
        label,
        error,
        parent,
        `must match the pattern ${String(params["pattern"])}`,
      );
      break;
    case "format": {
      const format = String(params["format"]);
      message = `${label}${echo(error, parent)} must be a valid ${FORMAT_NAMES[format] ?? format}`;
      break;
    }
    case "not":
      message = describeNot(label, error, parent);
      break;
    case "minLength":
      message = `${label} must be at least ${plural(params["limit"], "character")} long`;
      break;
    case "maxLength":
      message = `${label} must be at most ${plural(params["limit"], "character")} long`;
      break;
    case "minimum":
      message = `${label} must be at least ${String(params["limit"])}`;
      break;
    case "maximum":
      message = `${label} must be at most ${String(params["limit"])}`;
      break;
    case "exclusiveMinimum":
      message = `${label} must be greater than ${String(params["limit"])}`;
      break;
    case "exclusiveMaximum":
      message = `${label} must be less than ${String(params["limit"])}`;
      break;
    case "multipleOf":
      message = `${label} must be a multiple of ${String(params["multipleOf"])}`;
      break;
    case "minItems":
      message = `${label} must have at least ${plural(params["limit"], "entry", "entries")}`;
      break;
    case "maxItems":
      message = `${label} must have at most ${plural(params["limit"], "entry", "entries")}`;
      break;
    case "uniqueItems": {
      const first = Math.min(Number(params["i"]), Number(params["j"]));
      const second = Math.max(Number(params["i"]), Number(params["j"]));
      path = appendJsonPointer(path, second);
      message = `${label} must not contain duplicates: entry ${second} repeats entry ${first}`;
      break;
    }
    case "minProperties":
      message = `${label} must have at least ${plural(params["limit"], "property", "properties")}`;
      break;
    case "maxProperties":
      message = `${label} must have at most ${plural(params["limit"], "property", "properties")}`;
      break;
    case "oneOf":
      message = `${label} must match exactly one of the allowed forms`;
      break;
    case "anyOf":
      message = `${label} must match one of the allowed forms`;
      break;
    case "false schema":
      message = `${label} is not allowed here`;
      break;
    default:
      message = `${label} ${error.message ?? "is invalid"}`;
  }
  return {
    path,
    code: schemaIssueCode(error.keyword),
    message,
    severity: "error",
  };
}

/**
 * A readable name for the value at a JSON Pointer: the property name, or `users[1]` for an array
 * entry, or "the config" for the root.
 */
function labelOf(pointer: string): string {
  if (pointer === "") return "the config";
  const segments = pointer.split("/").slice(1).map(unescapeToken);
  const last = segments.at(-1) ?? "";
  if (/^\d+$/.test(last) && segments.length > 1) return `${segments.at(-2) ?? ""}[${last}]`;
  return last;
}

function unescapeToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

function describeNot(
  label: string,
  error: VerboseError,
  parent: Record<string, unknown> | undefined,
): string {
  const excluded = asRecord(parent?.["not"]);
  if (excluded !== undefined && "const" in excluded) {
    return `${label} must not be ${JSON.stringify(excluded["const"])}`;
  }
  if (excluded !== undefined && typeof excluded["pattern"] === "string") {
    return describeMismatch(
      label,
      error,
      parent,
      `must not match the pattern ${excluded["pattern"]}`,
    );
  }
  return `${label} has a value that is not allowed here`;
}

/** Quotes a short string value back, except for secrets (`writeOnly`). */
function echo(error: VerboseError, parent: Record<string, unknown> | undefined): string {
  if (parent?.["writeOnly"] === true) return "";
  const data = error.data;
  if (typeof data === "string" && data.length <= MAX_ECHO_LENGTH) return ` ${JSON.stringify(data)}`;
  if (typeof data === "number" || typeof data === "boolean") return ` ${String(data)}`;
  return "";
}

/**
 * A value a `pattern` (or a `not` over one) rejects, in words: the schema's description says what
 * the field accepts, which a user can act on and a regular expression seldom helps with. Without a
 * readable description the title at least names what was expected; only a schema with neither
 * gets the expression itself (`fallback`).
 */
function describeMismatch(
  label: string,
  error: VerboseError,
  parent: Record<string, unknown> | undefined,
  fallback: string,
): string {
  const subject = `${label}${echo(error, parent)}`;
  const description = descriptionOf(parent);
  if (description !== undefined) return `${subject} is not valid: ${description}`;
  const title = titleOf(parent)?.trim();
  return title === undefined || title === ""
    ? `${subject} ${fallback}`
    : `${subject} is not a valid ${title}`;
}

/**
 * The schema's description without its final full stop, or `undefined` when it has none, or one
 * too long to read in a message.
 */
function descriptionOf(parent: Record<string, unknown> | undefined): string | undefined {
  const description = parent?.["description"];
  if (typeof description !== "string" || description.length > MAX_DESCRIPTION_LENGTH) {
    return undefined;
  }
  const words = description.trim().replace(/\.$/, "");
  return words === "" ? undefined : words;
}

function titleOf(schema: Record<string, unknown> | undefined): string | undefined {
  const title = schema?.["title"];
  return typeof title === "string" ? title : undefined;
}

function describeTypes(type: unknown): string {
  const names = String(type).split(",");
  const described = names.map((name) => {
    switch (name) {
      case "integer":
      case "object":
      case "array":
        return `an ${name === "integer" ? "integer (a whole number)" : name}`;
      case "null":
        return "null";
      default:
        return `a ${name}`;
    }
  });
  return described.join(" or ");
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => String(value)).join(", ") : String(values);
}

function plural(count: unknown, singular: string, pluralForm = `${singular}s`): string {
  return `${String(count)} ${Number(count) === 1 ? singular : pluralForm}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
