import { deflateSync } from 'node:zlib';
import { kindOfMediaType, sniffUploadKind, UploadKind } from './upload-kind';

const bytes = (...parts: (string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  // The CRC is not what the sniffing reads; a fixed one keeps the fixture simple.
  return bytes(length, type, data, [0, 0, 0, 0]);
}

const IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A 1×1 grey PNG: signature, IHDR, IDAT, IEND. */
const PNG = bytes(SIGNATURE, chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])), chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))), IEND);
const PDF = bytes('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], [0xff, 0xd9]);

describe('sniffUploadKind: the kind of a file by its bytes alone', () => {
  it.each([
    ['a PDF 1.x', PDF, UploadKind.Pdf],
    ['a PDF 2.0', bytes('%PDF-2.0\n', PDF.subarray(9)), UploadKind.Pdf],
    ['a PDF whose %%EOF is followed by up to 1 KiB of padding', bytes(PDF, ' '.repeat(1000)), UploadKind.Pdf],
    ['a PNG', PNG, UploadKind.Png],
    ['a JPEG', JPEG, UploadKind.Jpeg],
    ['the shortest JPEG the rule allows (SOI, a marker byte, EOI)', bytes([0xff, 0xd8, 0xff, 0xff, 0xd9]), UploadKind.Jpeg],
  ])('knows %s', (_, file, kind) => {
    expect(sniffUploadKind(file)).toBe(kind);
  });

  it.each([
    ['nothing at all', Buffer.alloc(0)],
    ['plain text', bytes('hello, this is not evidence\n')],
    ['text that merely mentions %PDF-1.7 later on', bytes('see %PDF-1.7 … %%EOF')],
    ['a PDF header with no %%EOF', bytes('%PDF-1.7\n1 0 obj << >> endobj\n')],
    ['a PDF whose %%EOF is more than 1 KiB before the end', bytes(PDF, ' '.repeat(1100))],
    ['a PDF of an unknown major version', bytes('%PDF-3.0\n%%EOF')],
    ['a PNG cut short (no IEND)', PNG.subarray(0, PNG.length - 12)],
    ['a PNG whose first chunk is not IHDR', bytes(SIGNATURE, chunk('IDAT', deflateSync(Buffer.from([0]))), chunk('IHDR', Buffer.alloc(13)), IEND)],
    ['a PNG whose IHDR has the wrong length', bytes(SIGNATURE, chunk('IHDR', Buffer.alloc(12)), IEND)],
    ['a PNG signature alone', bytes(SIGNATURE)],
    ['a PNG with bytes after IEND', bytes(PNG, [0])],
    ['a JPEG cut short (no EOI)', JPEG.subarray(0, JPEG.length - 2)],
    ['a JPEG with bytes after EOI', bytes(JPEG, [0])],
    ['FF D8 FF D9, where the start and the end would share a byte', bytes([0xff, 0xd8, 0xff, 0xd9])],
    ['a GIF', bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0], ';')],
    ['a ZIP (an office document)', bytes('PK', [3, 4], Buffer.alloc(30))],
    ['an HTML page that ends like a JPEG', bytes('<html><script>alert(1)</script></html>', [0xff, 0xd9])],
  ])('refuses %s', (_, file) => {
    expect(sniffUploadKind(file)).toBeNull();
  });

  it('reads the content only: the same bytes are the same kind whatever they are called or said to be', () => {
    // There is no name or declared type to pass: the function sees bytes and nothing else.
    expect(sniffUploadKind.length).toBe(1);
    expect(sniffUploadKind(Buffer.from(PNG))).toBe(UploadKind.Png);
  });
});

describe('kindOfMediaType: the kind a declared Content-Type names', () => {
  it.each([
    ['application/pdf', UploadKind.Pdf],
    ['image/jpeg', UploadKind.Jpeg],
    ['image/png', UploadKind.Png],
    ['IMAGE/PNG', UploadKind.Png],
    [' image/png ; name=x', UploadKind.Png],
  ])('%s → %s', (type, kind) => {
    expect(kindOfMediaType(type)).toBe(kind);
  });

  it.each([['application/octet-stream'], ['text/plain'], ['image/jpg'], ['image/gif'], [''], [undefined]])('%s names none of them', (type) => {
    expect(kindOfMediaType(type)).toBeNull();
  });
});
