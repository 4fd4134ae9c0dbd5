import { createReadStream } from 'node:fs';

/** Bounds that keep one bad line from swallowing the file (and memory). */
export interface CsvLimits {
  /** A quoted field may span at most this many physical lines before it is declared unterminated. Default 20. */
  maxRecordLines: number;
  /** A record (all its physical lines) may be at most this many characters. Default 1,000,000. */
  maxRecordChars: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecordLines: 20, maxRecordChars: 1_000_000 };

/** One logical CSV record: its fields, or why it could not be parsed. `line` is its first physical line (1-based). */
export type CsvRecord =
  | { line: number; raw: string; fields: string[]; problem?: undefined }
  | { line: number; raw: string; fields?: undefined; problem: string };

interface PhysicalLine {
  line: number;
  text: string;
  /** Set when the line was cut because it exceeded maxRecordChars. */
  overLong?: number;
}

/** Physical lines of a file (LF or CRLF), decoding UTF-8 across chunk boundaries; over-long lines are cut, not buffered. */
async function* physicalLines(path: string, maxChars: number): AsyncGenerator<PhysicalLine> {
  let carry = '';
  let skipping = 0; // characters dropped from an over-long line so far
  let line = 0;
  for await (const chunk of createReadStream(path, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
  }) as AsyncIterable<string>) {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf('\n', start);
      if (end < 0) break;
      line++;
      if (skipping > 0) {
        yield { line, text: carry, overLong: skipping + end - start };
        skipping = 0;
      } else {
        let text = carry + chunk.slice(start, end);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        if (text.length > maxChars) yield { line, text: text.slice(0, 1000), overLong: text.length };
        else yield { line, text };
      }
      carry = '';
      start = end + 1;
    }
    if (skipping > 0) skipping += chunk.length - start;
    else {
      carry += chunk.slice(start);
      if (carry.length > maxChars) {
        skipping = carry.length;
        carry = carry.slice(0, 1000);
      }
    }
  }
  if (skipping > 0) yield { line: line + 1, text: carry, overLong: skipping };
  else if (carry.length > 0) yield { line: line + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
}

const OPEN = Symbol('open quote');

/**
 * Split one record. Lenient like the files need: a quote inside an unquoted
 * field is literal, and so is a quote inside a quoted field that is not
 * followed by a delimiter or the end. Returns OPEN when a quoted field has
 * not ended by the end of the text (it may continue on the next line).
 */
export function splitFields(text: string): string[] | typeof OPEN {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return OPEN;
        value += text.slice(i, q);
        const after = text.charCodeAt(q + 1);
        if (after === 34) {
          value += '"';
          i = q + 2;
        } else if (q + 1 === n || after === 44 /* , */) {
          i = q + 1;
          break;
        } else {
          value += '"';
          i = q + 1;
        }
      }
      fields.push(value);
    } else {
      let end = text.indexOf(',', i);
      if (end < 0) end = n;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= n) return fields;
    i++; // past the delimiter
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}

/**
 * Logical records of a CSV file, streaming. A quoted field may span lines,
 * but only up to the limits: past them the record's first line is reported
 * as an unterminated quote and the following lines are read again as records
 * of their own, so one stray quote costs one row, not the rest of the file.
 * A multi-line record must have as many fields as the header (the first
 * record), and may not swallow a line that is a whole record by itself;
 * otherwise its opening quote is taken for a stray one.
 */
export async function* readCsvRecords(path: string, limits: CsvLimits = DEFAULT_CSV_LIMITS): AsyncGenerator<CsvRecord> {
  const source = physicalLines(path, limits.maxRecordChars)[Symbol.asyncIterator]();
  const replay: PhysicalLine[] = [];
  let pending: PhysicalLine[] = [];
  let expectedFields: number | undefined;
  const nextLine = async (): Promise<PhysicalLine | undefined> => {
    if (replay.length > 0) return replay.shift();
    const step = await source.next();
    return step.done ? undefined : step.value;
  };
  const unterminated = (): CsvRecord => {
    const [first, ...rest] = pending;
    replay.unshift(...rest);
    pending = [];
    return { line: first!.line, raw: first!.text, problem: 'unterminated quote: a quoted field never closes' };
  };

  for (;;) {
    const physical = await nextLine();
    if (!physical) {
      if (pending.length === 0) return;
      yield unterminated(); // end of file inside a quote: its later lines are replayed as records
      continue;
    }
    if (physical.overLong !== undefined) {
      if (pending.length > 0) {
        replay.unshift(physical);
        yield unterminated();
        continue;
      }
      yield {
        line: physical.line,
        raw: physical.text,
        problem: `line too long: ${physical.overLong} chars (max ${limits.maxRecordChars})`,
      };
      continue;
    }
    if (pending.length > 0 && standsAlone(physical.text, expectedFields)) {
      // The open quote would swallow a line that is a complete record by itself: the quote was stray.
      replay.unshift(physical);
      yield unterminated();
      continue;
    }
    pending.push(physical);
    const text = pending.length === 1 ? physical.text : pending.map((p) => p.text).join('\n');
    if (pending.length === 1 && text.length === 0) {
      pending = [];
      continue; // blank lines carry no record
    }
    const fields = splitFields(text);
    if (fields !== OPEN && pending.length > 1 && fields.length !== expectedFields) {
      // A quote that "closed" on a later line but left the wrong field count was a stray quote:
      // reject its line and read the lines it swallowed again.
      yield unterminated();
    } else if (fields !== OPEN) {
      expectedFields ??= fields.length; // the header decides
      yield { line: pending[0]!.line, raw: text, fields };
      pending = [];
    } else if (pending.length >= limits.maxRecordLines || text.length > limits.maxRecordChars) {
      yield unterminated();
    }
  }
}

function standsAlone(text: string, expectedFields: number | undefined): boolean {
  if (expectedFields === undefined) return false;
  const fields = splitFields(text);
  return fields !== OPEN && fields.length === expectedFields;
}
