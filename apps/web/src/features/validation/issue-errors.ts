import type { ErrorSchema } from "@rjsf/utils";

import { pointerToFieldPath } from "@bbos/collab";

import type { ValidationIssue } from "./board-validation";

/**
 * The server's errors as RJSF's error schema, each message beside the field its JSON Pointer
 * names (a whole-config issue at the root). Warnings are left to the Validation panel.
 */
export function issuesToErrorSchema(issues: readonly ValidationIssue[]): ErrorSchema {
  const root: ErrorSchema = {};
  for (const issue of issues) {
    if (issue.severity !== "ERROR") continue;
    let node: Record<string, unknown> = root;
    for (const segment of pointerToFieldPath(issue.path)) {
      const child = (node[segment] ??= {}) as Record<string, unknown>;
      node = child;
    }
    const errors = (node["__errors"] ??= []) as string[];
    if (!errors.includes(issue.message)) errors.push(issue.message);
  }
  return root;
}
