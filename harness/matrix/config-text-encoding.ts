// Configuration files are UTF-8. Anything else is named, with the line where it shows, so the
// fix is obvious ("save it as UTF-8") instead of a YAML error about characters nobody typed.
import { isUtf8 } from 'node:buffer';
import type { ConfigIssue } from '../errors.ts';

export type DecodedText = { ok: true; text: string } | { ok: false; issue: ConfigIssue };

const SAVE_AS = 'save it as UTF-8';

/** Byte-order marks, longest first: UTF-32 LE starts like UTF-16 LE. */
const BYTE_ORDER_MARKS: { bytes: number[]; encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16' },
];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function decodeConfigText(file: string, bytes: Buffer): DecodedText {
  const issue = (line: number, message: string): DecodedText => ({ ok: false, issue: { file, line, column: 1, path: '', message } });
  const marked = BYTE_ORDER_MARKS.find((mark) => startsWith(bytes, mark.bytes));
  if (marked) return issue(1, `the file is ${marked.encoding} (a byte-order mark): ${SAVE_AS}`);
  // A UTF-8 byte-order mark is allowed (some Windows editors write one) and not part of the text.
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  const nul = body.indexOf(0);
  // NUL is valid UTF-8 but never in YAML: UTF-16 without a byte-order mark has one in every other byte.
  if (nul >= 0) return issue(lineAt(body, nul), `the file holds NUL bytes: UTF-16 without a byte-order mark, or not a text file; ${SAVE_AS}`);
  if (!isUtf8(body)) return issue(firstLineNotUtf8(body), `the file is not UTF-8 (this line holds bytes that are not, as Latin-1 or Windows-1252 would write them): ${SAVE_AS}`);
  return { ok: true, text: body.toString('utf8') };
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** 1-based line of a byte offset. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < offset; at = bytes.indexOf(0x0a, at + 1)) line++;
  return line;
}

/** A newline byte is never part of a multi-byte UTF-8 sequence, so each line can be checked alone. */
function firstLineNotUtf8(bytes: Buffer): number {
  let start = 0;
  for (let line = 1; ; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    // Called only for bytes that are not UTF-8: if no earlier line is at fault, the last one is.
    if (newline < 0 || !isUtf8(bytes.subarray(start, end))) return line;
    start = newline + 1;
  }
}
