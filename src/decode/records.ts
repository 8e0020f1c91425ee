import { InputError } from '../errors.js';
import {
  QUOTE,
  BACKSLASH,
  NEWLINE,
  OPEN_BRACE,
  CLOSE_BRACE,
  OPEN_BRACKET,
  CLOSE_BRACKET,
  COMMA,
  COLON,
  isWhitespace,
} from './json-bytes.js';

/**
 * How the values of a file were laid out: one `{"Records":[…]}` object, a bare array, several
 * top-level values (NDJSON, or concatenated JSON), or a single top-level value.
 */
export type LayoutKind = 'records' | 'array' | 'ndjson' | 'object' | 'empty';

/** One JSON value cut out of a file, still as text; `normalize/` decides whether it is an event. */
export interface RawValue {
  /** The value's bytes exactly as the file holds them (invalid UTF-8 included). */
  readonly bytes: Buffer;
  /** The same bytes as UTF-8 text, invalid sequences replaced: what JSON.parse reads. */
  readonly text: string;
  /** 0-based index of the value within the file. */
  readonly index: number;
  /** 1-based line on which the value starts. */
  readonly line: number;
  /** Byte offset of the value's first byte in the decoded stream. */
  readonly byteOffset: number;
}

/** A value that was cut out but not kept, for the problems table. */
export interface SkippedValue {
  readonly index: number;
  readonly line: number;
  readonly byteOffset: number;
  readonly reason: string;
  readonly help?: string;
}

export interface RecordSplitterOptions {
  /** Values larger than this are skipped and reported; CloudTrail caps a record near 256 KB. */
  readonly maxValueBytes: number;
  readonly onValue: (value: RawValue) => void;
  readonly onSkipped: (skipped: SkippedValue) => void;
}

/**
 * Records nested deeper than this are skipped: no real event comes near it, a hostile file might, and
 * SQLite's JSON functions reject text deeper than 1,000 levels, so one such record stored would make
 * every query that reads records fail (issue 13). Records inside wrappers are held to the same limit.
 */
export const MAX_VALUE_DEPTH = 512;
/** Past this the file is abandoned: even the bracket stack would cost real memory. */
const MAX_STACK_DEPTH = 1 << 24;

type FirstKeyState = 'none' | 'awaitKey' | 'inKey' | 'awaitColon' | 'awaitArray';

/** Bytes that may start a JSON scalar: digits, minus, and the first letters of true/false/null. */
const isScalarStart = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x74 || byte === 0x66 || byte === 0x6e;

/**
 * Cuts a stream of JSON text into values without parsing it whole, so memory stays bounded by the
 * largest single record, whatever the file size. Top-level values are emitted one by one (NDJSON and
 * concatenated JSON); a top-level array emits its elements; a top-level object whose first key is
 * `Records` holding an array emits that array's elements (the shape CloudTrail writes). Only the
 * bytes of the value being cut are buffered.
 */
export class RecordSplitter {
  private readonly options: RecordSplitterOptions;
  private stack = new Uint8Array(64);
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private recordDepth = 0;
  private firstKey: FirstKeyState = 'none';
  private keyStart = 0;
  private valueStart = -1;
  private valueLine = 1;
  private valueKind: 'container' | 'string' | 'scalar' = 'container';
  private valueTooDeep = false;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private valueOversize = false;
  private chunkBase = 0;
  private line = 1;
  private valuesSeen = 0;
  private topLevelValues = 0;
  private sawRecordsKey = false;
  private sawTopLevelArray = false;
  private bomChecked = false;

  constructor(options: RecordSplitterOptions) {
    this.options = options;
  }

  /** The layout seen so far; final after end(). */
  get layout(): LayoutKind {
    if (this.topLevelValues === 0) return 'empty';
    if (this.topLevelValues > 1) return 'ndjson';
    if (this.sawRecordsKey) return 'records';
    if (this.sawTopLevelArray) return 'array';
    return 'object';
  }

  get bytesSeen(): number {
    return this.chunkBase;
  }

  push(chunk: Buffer): void {
    let i = 0;
    if (!this.bomChecked) i = this.skipByteOrderMark(chunk);
    const length = chunk.length;
    let nextBackslash = -2;
    while (i < length) {
      if (this.inString) {
        if (this.escapePending) {
          this.escapePending = false;
          i++;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
          this.escapePending = true;
          i = nextBackslash + 1;
          continue;
        }
        if (quote === -1) {
          i = length;
          break;
        }
        this.inString = false;
        if (this.firstKey === 'inKey') this.endFirstKey(chunk, quote);
        if (this.valueKind === 'string' && this.depth === this.recordDepth) this.finishValue(chunk, quote + 1);
        i = quote + 1;
        continue;
      }
      this.onStructuralByte(chunk, i);
      i++;
    }
    this.keepOpenValue(chunk);
    this.chunkBase += length;
  }

  /** Flushes the last value; a value cut short by the end of input is reported, not emitted. */
  end(): void {
    if (this.valueStart >= 0 && this.valueKind === 'scalar' && this.depth === this.recordDepth) {
      this.finishValue(Buffer.alloc(0), 0);
      return;
    }
    if (this.valueStart >= 0 || this.depth > 0 || this.inString) {
      this.options.onSkipped({
        index: this.valuesSeen,
        line: this.valueStart >= 0 ? this.valueLine : this.line,
        byteOffset: this.valueStart >= 0 ? this.valueStart : this.chunkBase,
        reason: `the file ends inside a JSON value (truncated at byte ${this.chunkBase})`,
        help: 'download the file again; the records before the cut were indexed',
      });
      this.dropValue();
    }
  }

  private skipByteOrderMark(chunk: Buffer): number {
    if (chunk.length < 3) {
      if (chunk.length > 0) this.bomChecked = true;
      return 0;
    }
    this.bomChecked = true;
    return chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
  }

  private onStructuralByte(chunk: Buffer, i: number): void {
    const byte = chunk[i]!;
    if (this.valueKind === 'scalar' && this.valueStart >= 0 && !isScalarContinuation(byte)) {
      this.finishValue(chunk, i);
    }
    switch (byte) {
      case QUOTE:
        this.openString(i);
        return;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.openContainer(i, byte);
        return;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.closeContainer(chunk, i);
        return;
      case NEWLINE:
        this.line++;
        return;
      case COLON:
        if (this.firstKey === 'awaitColon') this.firstKey = 'awaitArray';
        return;
      case COMMA:
        // Any member of the top-level object may be `Records`, not only the first (issue 13).
        if (this.depth === 1 && this.recordDepth === 0 && this.stack[0] === OPEN_BRACE) this.firstKey = 'awaitKey';
        return;
      default:
        this.onOtherByte(i, byte);
    }
  }

  private openString(i: number): void {
    this.inString = true;
    if (this.firstKey === 'awaitKey' && this.depth === 1) {
      this.firstKey = 'inKey';
      this.keyStart = this.chunkBase + i + 1;
    } else if (this.firstKey === 'awaitArray') {
      this.firstKey = 'none';
    }
    if (this.depth === 0) this.topLevelValues++;
    if (this.depth === this.recordDepth && this.valueStart < 0) this.startValue(i, 'string');
  }

  private openContainer(i: number, byte: number): void {
    if (this.firstKey === 'awaitArray' && this.depth === 1 && byte === OPEN_BRACKET) {
      this.enterRecordsArray();
    } else if (this.firstKey === 'awaitArray') {
      this.firstKey = 'none';
    }
    if (this.depth === 0) this.onTopLevelOpen(byte);
    if (this.depth === this.recordDepth && this.valueStart < 0) this.startValue(i, 'container');
    this.pushContainer(byte);
    if (this.valueStart >= 0 && this.depth - this.recordDepth > MAX_VALUE_DEPTH) this.valueTooDeep = true;
  }

  private onTopLevelOpen(byte: number): void {
    this.topLevelValues++;
    if (byte === OPEN_BRACKET) {
      this.sawTopLevelArray = true;
      this.recordDepth = 1;
    } else {
      this.firstKey = 'awaitKey';
    }
  }

  /** `{"Records":[` — the enclosing object is not a record: drop it and emit the array's elements. */
  private enterRecordsArray(): void {
    this.firstKey = 'none';
    this.sawRecordsKey = true;
    this.dropValue();
    this.recordDepth = 2;
  }

  private closeContainer(chunk: Buffer, i: number): void {
    if (this.firstKey !== 'none') this.firstKey = 'none';
    if (this.depth === 0)
      throw new InputError('decode', `unexpected "${String.fromCharCode(chunk[i]!)}"`, `byte ${this.chunkBase + i}`);
    this.depth--;
    if (this.depth === this.recordDepth && this.valueStart >= 0) {
      this.finishValue(chunk, i + 1);
    } else if (this.depth < this.recordDepth) {
      // The array holding the records closed; the rest of its enclosing object is not records.
      this.recordDepth = this.depth === 0 ? 0 : -1;
    }
    if (this.depth === 0) this.recordDepth = 0;
  }

  private onOtherByte(i: number, byte: number): void {
    if (isWhitespace(byte)) return;
    if (this.firstKey !== 'none') this.firstKey = 'none';
    if (this.depth === 0 && !isScalarStart(byte)) {
      throw new InputError(
        'decode',
        `not JSON: unexpected byte 0x${byte.toString(16).padStart(2, '0')}`,
        `byte ${this.chunkBase + i}`,
      );
    }
    if (this.depth === 0) this.topLevelValues++;
    if (this.depth === this.recordDepth && this.valueStart < 0) this.startValue(i, 'scalar');
  }

  private pushContainer(byte: number): void {
    if (this.depth === this.stack.length) {
      if (this.depth >= MAX_STACK_DEPTH) {
        throw new InputError('decode', `JSON nested deeper than ${MAX_STACK_DEPTH} levels`, `byte ${this.chunkBase}`);
      }
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.depth++] = byte;
  }

  private endFirstKey(chunk: Buffer, quoteIndex: number): void {
    const keyEnd = this.chunkBase + quoteIndex;
    const isRecords = keyEnd - this.keyStart === 7 && this.textAt(chunk, this.keyStart, keyEnd) === 'Records';
    this.firstKey = isRecords ? 'awaitColon' : 'none';
  }

  /** Text between two absolute offsets inside the value being buffered (the first key is in it). */
  private textAt(chunk: Buffer, start: number, end: number): string {
    if (start >= this.chunkBase) return chunk.toString('latin1', start - this.chunkBase, end - this.chunkBase);
    if (this.parts.length === 0) return '';
    const whole = Buffer.concat([...this.parts, chunk.subarray(0, end - this.chunkBase)]);
    return whole.toString('latin1', start - this.valueStart, end - this.valueStart);
  }

  private startValue(i: number, kind: 'container' | 'string' | 'scalar'): void {
    this.valueStart = this.chunkBase + i;
    this.valueLine = this.line;
    this.valueKind = kind;
    this.valueTooDeep = false;
    this.valueOversize = false;
    this.parts = [];
    this.partsBytes = 0;
  }

  private finishValue(chunk: Buffer, endInChunk: number): void {
    const start = this.valueStart;
    const index = this.valuesSeen++;
    const position = { index, line: this.valueLine, byteOffset: start };
    const sizeBytes = this.chunkBase + endInChunk - start;
    if (this.valueOversize || sizeBytes > this.options.maxValueBytes) {
      this.options.onSkipped({
        ...position,
        reason: `record of ${sizeBytes} bytes exceeds the ${this.options.maxValueBytes}-byte limit`,
      });
    } else if (this.valueTooDeep) {
      this.options.onSkipped({ ...position, reason: `record nested deeper than ${MAX_VALUE_DEPTH} levels` });
    } else {
      const bytes = this.valueBytes(chunk, endInChunk);
      this.options.onValue({ ...position, bytes, text: bytes.toString('utf8') });
    }
    this.dropValue();
  }

  /** A copy: the chunk is reused by the reader, and a record outlives it in its batch. */
  private valueBytes(chunk: Buffer, endInChunk: number): Buffer {
    const startInChunk = this.valueStart - this.chunkBase;
    if (this.parts.length === 0) return Buffer.from(chunk.subarray(startInChunk, endInChunk));
    return Buffer.concat([...this.parts, chunk.subarray(0, endInChunk)]);
  }

  private dropValue(): void {
    this.valueStart = -1;
    this.valueKind = 'container';
    this.parts = [];
    this.partsBytes = 0;
    this.valueOversize = false;
  }

  /** Carries the open value's bytes into the next chunk, unless it is already too large to keep. */
  private keepOpenValue(chunk: Buffer): void {
    if (this.valueStart < 0 || this.valueOversize) return;
    const startInChunk = Math.max(0, this.valueStart - this.chunkBase);
    const tail = chunk.subarray(startInChunk);
    if (this.partsBytes + tail.length > this.options.maxValueBytes) {
      this.valueOversize = true;
      this.parts = [];
      this.partsBytes = 0;
      return;
    }
    this.parts.push(Buffer.from(tail));
    this.partsBytes += tail.length;
  }
}

/** Letters, digits, `.`, `+`, `-` continue a scalar such as `-1.5e+3` or `true`. */
function isScalarContinuation(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2e ||
    byte === 0x2b ||
    byte === 0x2d
  );
}
