import { describe, expect, it } from 'vitest';
import { decodeConfigText } from '../../harness/matrix/config-text-encoding.ts';

const decode = (bytes: Buffer) => decodeConfigText('/m.yaml', bytes);
const problem = (bytes: Buffer) => {
  const decoded = decode(bytes);
  if (decoded.ok) throw new Error(`decoded: ${decoded.text}`);
  return `${decoded.issue.line} ${decoded.issue.message}`;
};

describe('configuration text encodings', () => {
  it('reads UTF-8, multi-byte characters included, and drops a UTF-8 byte-order mark', () => {
    expect(decode(Buffer.from('name: café ✓\n'))).toEqual({ ok: true, text: 'name: café ✓\n' });
    expect(decode(Buffer.from('\ufeffname: x\n'))).toEqual({ ok: true, text: 'name: x\n' });
  });

  it('names UTF-16 and UTF-32 by their byte-order marks', () => {
    expect(problem(Buffer.from([0xff, 0xfe, 0x6e, 0x00]))).toBe('1 the file is UTF-16 (a byte-order mark): save it as UTF-8');
    expect(problem(Buffer.from([0xfe, 0xff, 0x00, 0x6e]))).toBe('1 the file is UTF-16 (a byte-order mark): save it as UTF-8');
    expect(problem(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x6e, 0, 0, 0]))).toBe('1 the file is UTF-32 (a byte-order mark): save it as UTF-8');
  });

  it('finds NUL bytes (UTF-16 without a mark) and bytes that are not UTF-8 on their own line', () => {
    expect(problem(Buffer.from('a: 1\nb: 2\nc\0: 3\n'))).toMatch(/^3 the file holds NUL bytes/);
    const latin1 = Buffer.concat([Buffer.from('a: 1\nb: ok ✓\nc: caf'), Buffer.from([0xe9]), Buffer.from('\nd: 4\n')]);
    expect(problem(latin1)).toMatch(/^3 the file is not UTF-8/);
    // On the last line, without a newline after it; and a truncated multi-byte sequence.
    expect(problem(Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xe2, 0x9c])]))).toMatch(/^2 the file is not UTF-8/);
  });
});
