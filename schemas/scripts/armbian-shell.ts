// A deliberately small reader for Armbian's board and family shell files. It does not run bash:
// it parses the few constructs those files use to set configuration variables and evaluates them
// for a known BOARD and BRANCH. Whatever it does not understand and that could change a tracked
// variable makes that variable "unknown" (with the reason and the file and line), never a guess.
//
// Understood (everything else is a "command"):
// - comments, blank lines, `\` line continuations, here-documents (skipped with their command);
// - assignments of one shell word: `NAME=word`, `declare -g NAME=word`, `export NAME=word`,
//   `declare -g NAME` (no value: no change), `unset NAME…`, `: "${NAME:=word}"`;
// - words made of '…', "…", \x, literal characters and the expansions $NAME, ${NAME},
//   ${NAME:-w}, ${NAME-w}, ${NAME:=w}, ${NAME=w}, ${NAME:+w}, and the one command substitution
//   `$(expr "<word>" : '<regex>' || true)` (a basic regular expression with \(…\), \+, [[:digit:]]);
// - `source "${BASH_SOURCE%/*}/<path>"` (the path is read relative to the sourcing file);
// - `case <word> in p1 | p2) … ;; *) … ;; esac` with glob patterns (* and ?);
// - `if <test>; then … elif <test>; then … else … fi` and `[[ <test> ]] && return`, where a test is
//   `[[ -z w ]]`, `[[ -n w ]]`, `[[ w == pattern ]]`, `[[ w = pattern ]]` or `[[ w != pattern ]]`;
// - function definitions `name() {` / `function name() {` … `}` (closing brace at the start of a
//   line): bodies are parsed, and evaluated only when the caller asks for them (the hooks Armbian
//   calls after the family file, see `familyHooks`);
// - `for`/`while`/`until` … `done` loops: parsed, never evaluated; a tracked variable assigned in
//   one becomes unknown.
//
// When a test or a case subject is unknown, every outcome is evaluated and a variable keeps its
// value only when all outcomes agree. A command (anything else) that assigns a tracked variable,
// or calls a function from the files read that assigns one, makes that variable unknown.

/** A value that the reader could not determine, with why. */
export interface Unknown {
  readonly unknown: string;
}

/** A variable's value: a string, or unknown. Unset variables are absent from the environment. */
export type ShellValue = string | Unknown;

/** Where a value was set: a path relative to the checkout root. */
export interface Binding {
  readonly value: ShellValue;
  readonly source: string;
}

export function isUnknown(value: ShellValue | undefined): value is Unknown {
  return typeof value === "object";
}

/** Thrown for input the parser cannot even split into statements (unbalanced blocks). */
export class ShellParseError extends Error {}

export type Statement =
  | { kind: "assign"; name: string; word: string | null; line: number; local: boolean }
  | { kind: "unset"; names: string[]; line: number }
  | { kind: "default"; word: string; line: number }
  | { kind: "source"; word: string; line: number }
  | { kind: "case"; subject: string; arms: CaseArm[]; line: number }
  | { kind: "if"; branches: IfBranch[]; line: number }
  | { kind: "return-if"; test: string; line: number }
  | { kind: "return"; line: number }
  | { kind: "function"; name: string; body: Statement[]; line: number }
  | { kind: "loop"; body: Statement[]; line: number }
  | { kind: "command"; text: string; line: number };

export interface CaseArm {
  readonly patterns: string[];
  readonly body: Statement[];
}

export interface IfBranch {
  /** `null` for `else`. */
  readonly test: string | null;
  readonly body: Statement[];
}

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

// ---------------------------------------------------------------------------------------------
// Lines

/** Removes a comment: a `#` outside quotes at the start of a word. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "\\") i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) return text.slice(0, i);
  }
  return text;
}

/** Joins continuations, drops comments and here-document bodies, splits `;;` off case bodies. */
function logicalLines(source: string): LogicalLine[] {
  const raw = source.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i + 1;
    let text = stripComment(raw[i] ?? "");
    while (text.endsWith("\\") && i + 1 < raw.length) {
      i++;
      text = `${text.slice(0, -1)} ${stripComment(raw[i] ?? "")}`;
    }
    const heredoc = /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_][\w.-]*)\1/.exec(text);
    if (heredoc !== null) {
      const terminator = heredoc[2] ?? "";
      while (i + 1 < raw.length && (raw[i + 1] ?? "").trim() !== terminator) i++;
      i++;
    }
    const trimmed = text.trim();
    if (trimmed !== "") lines.push({ text: trimmed, line: start });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Parser

const FUNCTION_HEADER =
  /^(?:function\s+)?([A-Za-z_][\w:.-]*)\s*\(\)\s*(\{)?\s*$|^function\s+([A-Za-z_][\w:.-]*)\s*(\{)?\s*$/;
const ASSIGNMENT =
  /^(?:(declare|typeset|export|local|readonly)\s+(?:-[a-zA-Z]+\s+)*)?([A-Za-z_]\w*)=(.*)$/;
const DECLARE_ONLY = /^(?:declare|typeset)\s+(?:-[a-zA-Z]+\s+)*[A-Za-z_]\w*$/;
const IF_HEADER = /^if\s+(.*?)\s*;\s*then$/;
const ELIF_HEADER = /^elif\s+(.*?)\s*;\s*then$/;
const CASE_HEADER = /^case\s+(.+?)\s+in$/;
const LOOP_HEADER = /^(?:for|while|until)\b.*(?:;\s*do|\bdo)$/;
const RETURN_IF = /^(\[\[.*\]\])\s*&&\s*return(?:\s+\d+)?$/;

/** Splits a shell file into statements. */
function parseShell(source: string): Statement[] {
  const lines = logicalLines(source);
  let index = 0;

  function block(until: (text: string) => boolean, what: string, opened: number): Statement[] {
    const body: Statement[] = [];
    for (;;) {
      const next = lines[index];
      if (next === undefined) {
        throw new ShellParseError(`line ${opened}: ${what} is never closed`);
      }
      if (until(next.text)) return body;
      body.push(statement());
    }
  }

  function statement(): Statement {
    const current = lines[index];
    if (current === undefined) throw new ShellParseError("unexpected end of file");
    index++;
    const { text, line } = current;

    const fn = FUNCTION_HEADER.exec(text);
    if (fn !== null) {
      const name = fn[1] ?? fn[3] ?? "";
      if ((fn[2] ?? fn[4]) === undefined) {
        if (lines[index]?.text !== "{") {
          throw new ShellParseError(`line ${line}: function ${name} has no body`);
        }
        index++;
      }
      const body = block((t) => t === "}", `function ${name}`, line);
      index++;
      return { kind: "function", name, body, line };
    }

    const caseHeader = CASE_HEADER.exec(text);
    if (caseHeader !== null) return caseStatement(caseHeader[1] ?? "", line);

    const ifHeader = IF_HEADER.exec(text);
    if (ifHeader !== null) {
      const branches: IfBranch[] = [];
      let test: string | null = ifHeader[1] ?? "";
      for (;;) {
        const body = block((t) => t === "fi" || t === "else" || ELIF_HEADER.test(t), "if", line);
        branches.push({ test, body });
        const closer = lines[index]?.text ?? "";
        index++;
        if (closer === "fi") break;
        if (closer === "else") {
          branches.push({ test: null, body: block((t) => t === "fi", "if", line) });
          index++;
          break;
        }
        test = ELIF_HEADER.exec(closer)?.[1] ?? "";
      }
      return { kind: "if", branches, line };
    }

    if (LOOP_HEADER.test(text)) {
      const body = block((t) => t === "done" || t.startsWith("done "), "loop", line);
      index++;
      return { kind: "loop", body, line };
    }

    const returnIf = RETURN_IF.exec(text);
    if (returnIf !== null) return { kind: "return-if", test: returnIf[1] ?? "", line };
    if (/^return(\s+\d+)?$/.test(text)) return { kind: "return", line };

    return simple(text, line);
  }

  function caseStatement(subject: string, line: number): Statement {
    const arms: CaseArm[] = [];
    for (;;) {
      const next = lines[index];
      if (next === undefined) throw new ShellParseError(`line ${line}: case is never closed`);
      index++;
      if (next.text === "esac") return { kind: "case", subject, arms, line };
      const arm = /^\(?\s*([^()]*?)\s*\)\s*(.*)$/.exec(next.text);
      if (arm === null) {
        throw new ShellParseError(`line ${next.line}: expected a case pattern, got "${next.text}"`);
      }
      const patterns = (arm[1] ?? "").split("|").map((pattern) => pattern.trim());
      const body: Statement[] = [];
      let rest = (arm[2] ?? "").trim();
      // A one-line arm: `pattern) statement ;;`.
      if (rest !== "") {
        const ends = rest.endsWith(";;");
        rest = ends ? rest.slice(0, -2).trim() : rest;
        if (rest !== "") body.push(simple(rest, next.line));
        if (ends) {
          arms.push({ patterns, body });
          continue;
        }
      }
      for (;;) {
        const inner = lines[index];
        if (inner === undefined) throw new ShellParseError(`line ${line}: case is never closed`);
        if (inner.text === ";;") {
          index++;
          break;
        }
        if (inner.text === "esac") break;
        if (inner.text.endsWith(";;")) {
          index++;
          const before = inner.text.slice(0, -2).trim();
          if (before !== "") body.push(simple(before, inner.line));
          break;
        }
        body.push(statement());
      }
      arms.push({ patterns, body });
    }
  }

  const statements: Statement[] = [];
  while (index < lines.length) statements.push(statement());
  return statements;
}

function simple(text: string, line: number): Statement {
  const source = /^(?:source|\.)\s+(.+)$/.exec(text);
  if (source !== null) return { kind: "source", word: source[1] ?? "", line };
  const unset = /^unset\s+(?:-v\s+)?([A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)$/.exec(text);
  if (unset !== null) return { kind: "unset", names: (unset[1] ?? "").split(/\s+/), line };
  const defaulting = /^:\s+(.+)$/.exec(text);
  if (defaulting !== null && /^"?\$\{[A-Za-z_]\w*:?=/.test(defaulting[1] ?? "")) {
    return { kind: "default", word: defaulting[1] ?? "", line };
  }
  if (DECLARE_ONLY.test(text)) return { kind: "command", text: "", line };
  const assignment = ASSIGNMENT.exec(text);
  if (assignment !== null) {
    const word = assignment[3] ?? "";
    const single = wordLength(word) === word.length;
    return {
      kind: "assign",
      name: assignment[2] ?? "",
      word: single ? word : null,
      line,
      local: assignment[1] === "local",
    };
  }
  return { kind: "command", text, line };
}

/** Length of the shell word at the start of `text` (up to unquoted whitespace or `;`). */
function wordLength(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (/\s|;/.test(c)) return i;
    i = skipWordPart(text, i);
  }
  return i;
}

/** Index after the word part (quote, expansion, escape or character) at `i`. */
function skipWordPart(text: string, i: number): number {
  const c = text[i];
  if (c === "\\") return i + 2;
  if (c === "'") {
    const end = text.indexOf("'", i + 1);
    return end < 0 ? text.length : end + 1;
  }
  if (c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j = text[j] === "\\" ? j + 2 : skipDollar(text, j);
    return j + 1;
  }
  if (c === "`") {
    const end = text.indexOf("`", i + 1);
    return end < 0 ? text.length : end + 1;
  }
  return skipDollar(text, i);
}

/** Index after `$…` at `i` (or after the single character when it is not an expansion). */
function skipDollar(text: string, i: number): number {
  if (text[i] !== "$") return i + 1;
  const open = text[i + 1];
  if (open !== "{" && open !== "(") return i + 1;
  const close = open === "{" ? "}" : ")";
  let depth = 0;
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === "'" || c === '"' || c === "\\") {
      j = skipWordPart(text, j);
      continue;
    } else if (c === "$") {
      j = skipDollar(text, j);
      continue;
    }
    j++;
  }
  return text.length;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What an evaluation needs besides the statements. */
export interface ShellContext {
  /** Variables the evaluation follows; assignments to others are ignored. */
  readonly tracked: ReadonlySet<string>;
  /** Reads a file of the checkout (path relative to its root), or `null` when it is absent. */
  readonly readFile: (path: string) => string | null;
}

/** Variables by name. A tracked variable that is absent is unset. */
export type Environment = Map<string, Binding>;

export interface Evaluation {
  readonly env: Environment;
  /** Function definitions seen, by name, with the file they are in. */
  readonly functions: Map<string, { body: Statement[]; source: string }>;
  /** Branch-independent arms of every `case $BRANCH` seen, for the family's branch list. */
  readonly branchPatterns: Set<string>;
}

export function newEvaluation(initial: Record<string, string>): Evaluation {
  const env: Environment = new Map();
  for (const [name, value] of Object.entries(initial)) env.set(name, { value, source: "" });
  return { env, functions: new Map(), branchPatterns: new Set() };
}

const parsed = new Map<string, Statement[]>();

/** Parses (once) and evaluates a file of the checkout into `state`. */
export function evaluateFile(path: string, state: Evaluation, context: ShellContext): void {
  let statements = parsed.get(path);
  if (statements === undefined) {
    const text = context.readFile(path);
    if (text === null) throw new Error(`${path}: file not found`);
    try {
      statements = parseShell(text);
    } catch (error) {
      throw new ShellParseError(`${path}: ${(error as Error).message}`);
    }
    parsed.set(path, statements);
  }
  evaluateStatements(statements, state, context, path);
}

/** Evaluates statements; returns true when a `return` ran (inside a function body). */
export function evaluateStatements(
  statements: readonly Statement[],
  state: Evaluation,
  context: ShellContext,
  source: string,
  after: readonly Statement[] = [],
): boolean {
  for (const [index, statement] of statements.entries()) {
    const where = `${source}:${statement.line}`;
    // What runs after this statement unless a return intervenes (for undecidable returns).
    const continuation = () => [...statements.slice(index + 1), ...after];
    switch (statement.kind) {
      case "assign": {
        if (!context.tracked.has(statement.name)) break;
        if (statement.local) {
          markUnknown(state.env, [statement.name], `local assignment at ${where}`, source);
        } else if (statement.word === null) {
          markUnknown(state.env, [statement.name], `not a single word at ${where}`, source);
        } else {
          const value = expandWord(statement.word, state.env, context, source, where);
          state.env.set(statement.name, { value, source });
        }
        break;
      }
      case "unset":
        for (const name of statement.names) state.env.delete(name);
        break;
      case "default":
        expandWord(statement.word, state.env, context, source, where);
        break;
      case "source": {
        const word = expandWord(statement.word, state.env, context, source, where, {
          BASH_SOURCE: source,
        });
        if (isUnknown(word)) {
          throw new ShellParseError(`${where}: cannot resolve source path: ${word.unknown}`);
        }
        evaluateFile(normalise(word), state, context);
        break;
      }
      case "case": {
        const subject = expandWord(statement.subject, state.env, context, source, where);
        if (/^"?\$\{?BRANCH\}?"?$/.test(statement.subject)) {
          for (const arm of statement.arms) {
            for (const pattern of arm.patterns)
              if (pattern !== "*") state.branchPatterns.add(pattern);
          }
        }
        if (!isUnknown(subject)) {
          const arm = statement.arms.find((candidate) =>
            candidate.patterns.some((pattern) => globMatch(pattern, subject)),
          );
          if (
            arm !== undefined &&
            evaluateStatements(arm.body, state, context, source, continuation())
          ) {
            return true;
          }
          break;
        }
        const outcomes = statement.arms.map((arm) => arm.body);
        if (!statement.arms.some((arm) => arm.patterns.includes("*"))) outcomes.push([]);
        const reason = `case ${statement.subject} at ${where}`;
        if (joinOutcomes(state, outcomes, context, source, reason, continuation())) return true;
        break;
      }
      case "if": {
        let decided = false;
        const open: Statement[][] = [];
        for (const branch of statement.branches) {
          const verdict =
            branch.test === null ? true : evaluateTest(branch.test, state.env, context, source);
          if (verdict === false) continue;
          if (verdict === true && open.length === 0) {
            if (evaluateStatements(branch.body, state, context, source, continuation())) {
              return true;
            }
            decided = true;
            break;
          }
          open.push(branch.body);
          if (verdict === true) {
            decided = true;
            break;
          }
        }
        if (open.length > 0) {
          if (!decided) open.push([]);
          if (joinOutcomes(state, open, context, source, `if at ${where}`, continuation())) {
            return true;
          }
        }
        break;
      }
      case "return":
        return true;
      case "return-if": {
        const verdict = evaluateTest(statement.test, state.env, context, source);
        if (verdict === true) return true;
        if (verdict === null) {
          const returned: Statement = { kind: "return", line: statement.line };
          joinOutcomes(
            state,
            [[returned], []],
            context,
            source,
            `return at ${where}`,
            continuation(),
          );
          return true;
        }
        break;
      }
      case "function":
        state.functions.set(statement.name, { body: statement.body, source });
        break;
      case "loop":
        markUnknown(state.env, assignedIn(statement.body, context), `loop at ${where}`, source);
        break;
      case "command": {
        if (statement.text === "") break;
        const touched = assignedInText(statement.text, context);
        const called = /^([A-Za-z_][\w:.-]*)/.exec(statement.text)?.[1];
        const fn = called === undefined ? undefined : state.functions.get(called);
        if (fn !== undefined) touched.push(...assignedIn(fn.body, context));
        markUnknown(state.env, touched, `command "${statement.text}" at ${where}`, source);
        break;
      }
    }
  }
  return false;
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function markUnknown(env: Environment, names: readonly string[], reason: string, source: string) {
  for (const name of names) env.set(name, { value: { unknown: reason }, source });
}

/** Tracked variables a statement list can assign (recursively, not following calls). */
function assignedIn(statements: readonly Statement[], context: ShellContext): string[] {
  const names = new Set<string>();
  const visit = (list: readonly Statement[]) => {
    for (const statement of list) {
      if (statement.kind === "assign" && context.tracked.has(statement.name)) {
        names.add(statement.name);
      } else if (statement.kind === "unset") {
        for (const name of statement.names) if (context.tracked.has(name)) names.add(name);
      } else if (statement.kind === "default" || statement.kind === "command") {
        const text = statement.kind === "default" ? statement.word : statement.text;
        for (const name of assignedInText(text, context)) names.add(name);
      } else if (statement.kind === "case") {
        for (const arm of statement.arms) visit(arm.body);
      } else if (statement.kind === "if") {
        for (const branch of statement.branches) visit(branch.body);
      } else if (statement.kind === "loop" || statement.kind === "function") {
        visit(statement.body);
      }
    }
  };
  visit(statements);
  return [...names];
}

/** Tracked variables a command's text may assign (`NAME=`, `${NAME:=`, `read NAME`, …). */
function assignedInText(text: string, context: ShellContext): string[] {
  const names: string[] = [];
  for (const name of context.tracked) {
    const pattern = new RegExp(
      `(^|[^\\w$])${name}(\\+?=|\\[)|\\$\\{${name}:?=|\\b(read|declare|export|printf -v)\\b[^;|&]*\\b${name}\\b`,
    );
    if (pattern.test(text)) names.push(name);
  }
  return names;
}

/**
 * Evaluates each outcome on a copy of the environment; afterwards a tracked variable keeps a value
 * only when every outcome left it the same, and is unknown otherwise. When some outcome returns,
 * the others also run `continuation` (what follows up to the end of the function) before the
 * join, and the result is `true`: the caller must stop, everything after has been evaluated.
 */
function joinOutcomes(
  state: Evaluation,
  outcomes: readonly (readonly Statement[])[],
  context: ShellContext,
  source: string,
  reason: string,
  continuation: readonly Statement[],
): boolean {
  const runs = outcomes.map((outcome) => {
    const copy: Evaluation = {
      env: new Map(state.env),
      functions: new Map(state.functions),
      branchPatterns: state.branchPatterns,
    };
    const returned = evaluateStatements(outcome, copy, context, source, continuation);
    return { copy, returned };
  });
  const anyReturned = runs.some((run) => run.returned);
  if (anyReturned) {
    for (const run of runs) {
      if (!run.returned) evaluateStatements(continuation, run.copy, context, source);
    }
  }
  const results = runs.map((run) => run.copy);
  const names = new Set<string>();
  for (const result of results) for (const name of result.env.keys()) names.add(name);
  for (const name of names) {
    const bindings = results.map((result) => result.env.get(name));
    const first = bindings[0];
    const same = bindings.every(
      (binding) =>
        (binding === undefined && first === undefined) ||
        (binding !== undefined &&
          first !== undefined &&
          !isUnknown(binding.value) &&
          binding.value === first.value),
    );
    if (same) {
      if (first === undefined) state.env.delete(name);
      else state.env.set(name, first);
    } else {
      state.env.set(name, { value: { unknown: `depends on the ${reason}` }, source });
    }
  }
  for (const result of results) {
    for (const [name, fn] of result.functions) state.functions.set(name, fn);
  }
  return anyReturned;
}

/** `true`, `false` or `null` (unknown) for one `[[ … ]]` test. */
function evaluateTest(
  test: string,
  env: Environment,
  context: ShellContext,
  source: string,
): boolean | null {
  const inner = /^\[\[\s+(.*)\s+\]\]$/.exec(test.trim())?.[1];
  if (inner === undefined || /&&|\|\||=~/.test(inner)) return null;
  const words = splitWords(inner);
  const expand = (word: string) => expandWord(word, env, context, source, source);
  if (words.length === 2 && (words[0] === "-z" || words[0] === "-n")) {
    const value = expand(words[1] ?? "");
    if (isUnknown(value)) return null;
    return words[0] === "-z" ? value === "" : value !== "";
  }
  if (words.length === 3 && ["==", "=", "!="].includes(words[1] ?? "")) {
    const left = expand(words[0] ?? "");
    const right = expand(words[2] ?? "");
    if (isUnknown(left) || isUnknown(right)) return null;
    // A quoted right-hand side is literal; an unquoted one is a glob pattern.
    const quoted = /^["']/.test(words[2] ?? "");
    const match = quoted ? left === right : globMatch(right, left);
    return words[1] === "!=" ? !match : match;
  }
  return null;
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (/\s/.test(text[i] ?? "")) i++;
    if (i >= text.length) break;
    const length = wordLength(text.slice(i));
    words.push(text.slice(i, i + length));
    i += Math.max(length, 1);
  }
  return words;
}

/** Glob match (`*`, `?`, literal otherwise; quotes removed) of a whole string. */
function globMatch(pattern: string, value: string): boolean {
  const unquoted = pattern.replace(/^(["'])(.*)\1$/, "$2");
  const regex = unquoted
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`).test(value);
}

/**
 * Expands one shell word. `extra` supplies read-only values (BASH_SOURCE) for this word only.
 * Side effects (`${NAME:=w}`) are written to `env`.
 */
function expandWord(
  word: string,
  env: Environment,
  context: ShellContext,
  source: string,
  where: string,
  extra: Record<string, string> = {},
): ShellValue {
  const lookup = (name: string): ShellValue | undefined => {
    if (Object.hasOwn(extra, name)) return extra[name];
    const binding = env.get(name);
    if (binding !== undefined) return binding.value;
    if (context.tracked.has(name)) return undefined;
    return { unknown: `$${name} is not set by the files read (${where})` };
  };

  let out = "";
  let unknown: Unknown | null = null;
  const append = (value: ShellValue | undefined) => {
    if (value === undefined) return;
    if (isUnknown(value)) unknown ??= value;
    else out += value;
  };

  const expansion = (text: string, i: number): [ShellValue | undefined, number] => {
    // text[i] === "$"
    const next = text[i + 1] ?? "";
    if (/[A-Za-z_]/.test(next)) {
      const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))?.[0] ?? "";
      return [lookup(name), i + 1 + name.length];
    }
    if (next === "(") {
      const end = skipDollar(text, i);
      return [commandSubstitution(text.slice(i + 2, end - 1)), end];
    }
    if (next !== "{") return ["$", i + 1];
    const end = skipDollar(text, i);
    const body = text.slice(i + 2, end - 1);
    const trim = /^([A-Za-z_]\w*)(%%?|##?)(.*)$/s.exec(body);
    if (trim !== null) {
      const current = lookup(trim[1] ?? "");
      if (current === undefined || isUnknown(current)) return [current ?? "", end];
      return [removeAffix(current, trim[2] ?? "", trim[3] ?? ""), end];
    }
    const parts = /^([A-Za-z_]\w*)(?:(:?[-=+])(.*))?$/s.exec(body);
    if (parts === null) {
      return [{ unknown: `unsupported expansion \${${body}} at ${where}` }, end];
    }
    const name = parts[1] ?? "";
    const operator = parts[2];
    const current = lookup(name);
    if (operator === undefined) return [current, end];
    const colon = operator.startsWith(":");
    const isEmpty = current === undefined || (colon && current === "");
    if (isUnknown(current)) return [current, end];
    const argument = () => expandWord(parts[3] ?? "", env, context, source, where, extra);
    switch (operator.replace(":", "")) {
      case "-":
        return [isEmpty ? argument() : current, end];
      case "=": {
        if (!isEmpty) return [current, end];
        const value = argument();
        if (context.tracked.has(name)) env.set(name, { value, source });
        return [value, end];
      }
      default:
        return [isEmpty ? "" : argument(), end];
    }
  };

  const commandSubstitution = (command: string): ShellValue => {
    const expr = /^expr\s+("[^"]*")\s+:\s+'([^']*)'\s*\|\|\s*true$/.exec(command.trim());
    if (expr === null) return { unknown: `command substitution $(${command}) at ${where}` };
    const subject = expandWord(expr[1] ?? "", env, context, source, where, extra);
    if (isUnknown(subject)) return subject;
    const regex = (expr[2] ?? "")
      .replaceAll("[[:digit:]]", "[0-9]")
      .replaceAll("\\(", "(")
      .replaceAll("\\)", ")")
      .replaceAll("\\+", "+");
    // expr's `:` anchors at the start and prints the first group ("" when nothing matches).
    return new RegExp(`^(?:${regex})`).exec(subject)?.[1] ?? "";
  };

  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      out += word.slice(i + 1, end < 0 ? word.length : end);
      i = end < 0 ? word.length : end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < word.length && word[j] !== '"') {
        if (word[j] === "\\" && /["\\$`]/.test(word[j + 1] ?? "")) {
          out += word[j + 1];
          j += 2;
        } else if (word[j] === "$") {
          const [value, end] = expansion(word, j);
          append(value);
          j = end;
        } else if (word[j] === "`") {
          unknown ??= { unknown: `command substitution at ${where}` };
          j = skipWordPart(word, j);
        } else {
          out += word[j];
          j++;
        }
      }
      i = j + 1;
    } else if (c === "\\") {
      out += word[i + 1] ?? "";
      i += 2;
    } else if (c === "$") {
      const [value, end] = expansion(word, i);
      append(value);
      i = end;
    } else if (c === "`") {
      unknown ??= { unknown: `command substitution at ${where}` };
      i = skipWordPart(word, i);
    } else {
      if (c === "*" || c === "?" || c === "[") {
        // An unquoted glob character could expand to file names.
        if (c !== "[" || word.includes("]")) unknown ??= { unknown: `glob in ${word} at ${where}` };
      }
      out += c;
      i++;
    }
  }
  return unknown ?? out;
}

/** `${v%p}`, `${v%%p}` (shortest / longest suffix) and `${v#p}`, `${v##p}` (prefix) removal. */
function removeAffix(value: string, operator: string, pattern: string): string {
  const lengths = Array.from({ length: value.length + 1 }, (_, i) => i);
  const order = operator.length === 2 ? lengths.reverse() : lengths;
  for (const length of order) {
    if (operator.startsWith("%")) {
      if (globMatch(pattern, value.slice(value.length - length))) {
        return value.slice(0, value.length - length);
      }
    } else if (globMatch(pattern, value.slice(0, length))) {
      return value.slice(length);
    }
  }
  return value;
}

/**
 * The hook functions Armbian calls after sourcing the family file, in call order:
 * `post_family_config__*` then `post_family_config_branch_<branch>__*`, each sorted by the name
 * after the double underscore (as Armbian's extension manager sorts them).
 */
export function familyHooks(
  functions: Evaluation["functions"],
  branch: string,
): { name: string; body: Statement[]; source: string }[] {
  const pick = (prefix: string) =>
    [...functions.entries()]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, fn]) => ({ name, ...fn }))
      .sort((a, b) => a.name.slice(prefix.length).localeCompare(b.name.slice(prefix.length)));
  return [
    ...pick("post_family_config__"),
    ...pick(`post_family_config_branch_${branch.toLowerCase()}__`),
  ];
}

/** Forgets parsed files (tests evaluate several fixtures under the same path). */
export function clearParseCache(): void {
  parsed.clear();
}
