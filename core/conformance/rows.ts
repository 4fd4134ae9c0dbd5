/**
 * Text that breaks naive COPY/CSV/CQL escaping and JSON handling: tabs, newlines, backslashes,
 * quotes, commas, non-ASCII and astral characters, braces and the words engines read as null.
 */
export const AWKWARD =
  'tab\there, newline\nthere, back\\slash, "quotes", comma, \u00e9t\u00e9 \u{1F680}, {brace}, NULL, \\N';

/** Fixture rows as the async iterable a bulk loader reads. */
export async function* iterate<T>(rows: readonly T[]): AsyncIterable<T> {
  yield* rows;
}
