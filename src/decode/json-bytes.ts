/** The bytes of JSON's structure, shared by the stream splitter and the slicer of parsed documents. */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const NEWLINE = 0x0a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
export const COLON = 0x3a;

export const isWhitespace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * The bytes with the whitespace between JSON tokens removed: a pretty-printed or re-indented copy of
 * a record lays out the same tokens, byte for byte.
 */
export function withoutLayout(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      out[length++] = byte;
      if (byte === BACKSLASH && i + 1 < bytes.length) out[length++] = bytes[++i]!;
      else if (byte === QUOTE) inString = false;
    } else if (!isWhitespace(byte)) {
      out[length++] = byte;
      if (byte === QUOTE) inString = true;
    }
  }
  return out.subarray(0, length);
}
