// Bash quoting for the files Armbian sources as code (userpatches/config-bbos.conf).

/**
 * `value` as one bash word that stands for exactly `value`: single quotes, where nothing
 * expands, with each `'` written as `'\''`. Newlines, `$(…)`, backticks and `\` stay literal.
 *
 * @throws Error when `value` contains a NUL character, which no bash variable can hold.
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL character cannot be passed to bash");
  return `'${value.replaceAll("'", "'\\''")}'`;
}
