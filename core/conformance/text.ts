import { assertError, type HttpCall } from './client.ts';

/** One body with text no backend stores as given in one string field. */
interface UnstorableText {
  label: string;
  /** The request body: JSON text, or raw bytes where the text is not even UTF-8. */
  body: string | Uint8Array;
}

const PLACEHOLDER = 'UNSTORABLE-TEXT-PLACEHOLDER';

/** Lone surrogates escaped in JSON, and the NUL PostgreSQL text cannot hold. */
const BAD_STRINGS: readonly [string, string][] = [
  ['a lone high surrogate (\\ud800)', 'a\ud800b'],
  ['a lone low surrogate (\\udc00)', 'a\udc00b'],
  ['a NUL (\\u0000)', 'a\u0000b'],
];

/** Byte sequences that are not UTF-8 (RFC 3629), placed raw inside the JSON string. */
const BAD_BYTES: readonly [string, number[]][] = [
  ['the byte 0xFF', [0xff]],
  ['a truncated sequence (0xC3 then ASCII)', [0xc3, 0x28]],
  ['an overlong encoding of "/" (0xC0 0xAF)', [0xc0, 0xaf]],
  ['a UTF-8-encoded surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80]],
];

/**
 * Bodies that put text no backend can store faithfully into one string field: `place(text)` builds the
 * otherwise valid body with `text` where the field goes. PostgreSQL, Cassandra and MongoDB store UTF-8,
 * so a lone surrogate or invalid UTF-8 would come back as U+FFFD, and PostgreSQL rejects a NUL.
 */
export function unstorableTextBodies(place: (text: string) => unknown): UnstorableText[] {
  const strings = BAD_STRINGS.map(([label, text]) => ({ label, body: JSON.stringify(place(text)) }));
  const [before, after] = JSON.stringify(place(PLACEHOLDER)).split(PLACEHOLDER) as [string, string];
  const bytes = BAD_BYTES.map(([label, bad]) => ({
    label,
    body: Buffer.concat([Buffer.from(`${before}a`), Buffer.from(bad), Buffer.from(`b${after}`)]),
  }));
  return [...strings, ...bytes];
}

/**
 * Each unstorable text in each field is a 400 naming that field, and `nothingWritten` holds after each.
 * `fields` maps the field's name in the 400 (e.g. `tags.0`) to how to place text there.
 */
export async function assertUnstorableTextRejected(
  http: HttpCall,
  method: string,
  path: string,
  fields: Readonly<Record<string, (text: string) => unknown>>,
  nothingWritten: () => Promise<void> = async () => {},
): Promise<void> {
  for (const [field, place] of Object.entries(fields)) {
    for (const { label, body } of unstorableTextBodies(place)) {
      const reply = await http(method, path, body);
      try {
        assertError(reply, 400, field);
      } catch (error) {
        throw new Error(`${method} ${path} with ${label} in ${field}: ${(error as Error).message}`);
      }
      await nothingWritten();
    }
  }
}
