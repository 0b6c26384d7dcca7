/**
 * The declared version of the cross-field rules (`configRules` and everything their code
 * imports). It is part of every validator fingerprint, so results cached under an older version
 * are never served once the rules change. A function's source text cannot stand in for it: a rule's
 * verdict also depends on the constants and helpers it imports.
 *
 * Bump it in the same change as any edit to `src/rules/`, `src/config-rules.ts` or a file they
 * import, and append the new version with its source fingerprint to
 * `rules-version-history.json`; `test/rules-version.test.ts` fails until both are done and prints
 * the exact entry.
 */
export const RULES_VERSION = 5;
