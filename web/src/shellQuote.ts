/**
 * Quotes a value for a POSIX shell, so a copied command line means exactly what the page shows: model
 * input names and values come from the model file and may hold quotes, `$`, backticks or newlines.
 *
 * @example shellQuote(`it's`) === `'it'\''s'`
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
