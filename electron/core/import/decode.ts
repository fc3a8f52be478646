// Turns an uploaded file's bytes into text, piece by piece as they are read: a byte order mark
// decides UTF-8 / UTF-16, else the bytes must be valid UTF-8, else they are read as Windows-1252
// (what spreadsheet apps on Windows save as "CSV") and the user is told to check accented names.
// The whole file is never one string: a 1 GB file is more than V8 lets a string hold.
import fs from 'node:fs';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export const NOT_UTF8_NOTE =
  'The file is not UTF-8; it was read as Windows-1252 (Western European). Check accented names in the preview.';

/** Bytes read at a time: the text of one piece is what the parser holds beyond the row it is in. */
export const READ_BYTES = 256 * 1024;

/** The file has bytes that are not UTF-8 (and no byte order mark): read it again as Windows-1252. */
export class NotUtf8Error extends Error {}

/** What a pass found out about the encoding; set before the first piece is yielded. */
export interface DecodeInfo {
  encoding: TextEncoding | null;
}

type Decode = (bytes: Uint8Array, last: boolean) => string;

/** The decoder for a file starting with `head`, and how many bytes of mark to skip. */
function pickDecoder(head: Uint8Array, windows1252: boolean): { encoding: TextEncoding; skip: number; decode: Decode } {
  const streaming = (label: string, fatal: boolean): Decode => {
    const decoder = new TextDecoder(label, { fatal });
    return (bytes, last) => {
      try {
        return last ? decoder.decode(bytes) : decoder.decode(bytes, { stream: true });
      } catch {
        throw new NotUtf8Error('the file is not UTF-8');
      }
    };
  };
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', skip: 3, decode: streaming('utf-8', false) };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2, decode: streaming('utf-16le', false) };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2, decode: streaming('utf-16be', false) };
  if (windows1252) return { encoding: 'windows-1252', skip: 0, decode: (bytes) => decodeWindows1252(bytes) };
  return { encoding: 'utf-8', skip: 0, decode: streaming('utf-8', true) };
}

/**
 * The file's text, in pieces of about READ_BYTES. Without a byte order mark the bytes are read as
 * UTF-8 (a byte that is not throws NotUtf8Error, whenever it comes) unless `windows1252` says the
 * file is known not to be. A sequence cut between two reads is decoded whole in the next piece.
 */
export async function* decodeFile(filePath: string, windows1252: boolean, info: DecodeInfo, readBytes = READ_BYTES): AsyncGenerator<string> {
  const stream = fs.createReadStream(filePath, { highWaterMark: readBytes });
  let decoder: ReturnType<typeof pickDecoder> | null = null;
  let head: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes: Buffer = chunk;
      if (!decoder) {
        // a mark is at most 3 bytes: wait for them (a read is never that short but at the end)
        head = Buffer.concat([head, chunk]);
        if (head.length < 3) continue;
        decoder = pickDecoder(head, windows1252);
        info.encoding = decoder.encoding;
        bytes = head.subarray(decoder.skip);
      }
      const text = decoder.decode(bytes, false);
      if (text) yield text;
    }
    if (!decoder) {
      decoder = pickDecoder(head, windows1252);
      info.encoding = decoder.encoding;
      const text = decoder.decode(head.subarray(decoder.skip), true);
      if (text) yield text;
      return;
    }
    const rest = decoder.decode(new Uint8Array(0), true);
    if (rest) yield rest;
  } finally {
    stream.destroy();
  }
}

// Windows-1252 is Latin-1 except 0x80-0x9f, which hold € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ
// (five are unassigned and kept as the C1 code point, as WHATWG does). Node's TextDecoder
// treats the 'windows-1252' label as plain Latin-1, so the table is applied here.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]!));
}
