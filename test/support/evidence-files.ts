import type { Response } from 'supertest';
import { deflateSync } from 'node:zlib';
import type { TestApp, TestUser } from './test-app';

/**
 * Files for the evidence tests, made here rather than shipped: a PDF, a PNG and a JPEG that are
 * well-formed by the rules the upload applies (upload-kind.ts), and a way to send one as a subject
 * would, in a multipart/form-data body.
 */

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** The CRC of a PNG chunk (ISO 3309, as PNG defines it). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([ascii(type), data])));
  return Buffer.concat([length, ascii(type), data, crc]);
}

/** A `size`×`size` grey PNG (8-bit greyscale), each one distinct by its `shade`. */
export function pngFile(shade = 0x80, size = 2): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.concat(Array.from({ length: size }, () => Buffer.from([0, ...Array.from({ length: size }, () => shade)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a cross-reference table, saying `text`, padded (in a comment) to `padding` bytes more. */
export function pdfFile(text = 'Power of attorney', padding = 0): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 10 50 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  if (padding > 0) body += `%${'x'.repeat(Math.max(0, padding - 2))}\n`;
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return ascii(body);
}

/** A PDF of exactly `bytes` bytes. */
export function pdfOfSize(bytes: number): Buffer {
  let padding = 2;
  for (let tries = 0; tries < 5; tries++) {
    const file = pdfFile('sized', padding);
    if (file.length === bytes) return file;
    // The padding moves the cross-reference table, whose offset may gain a digit: settle in a step or two.
    padding += bytes - file.length;
  }
  throw new Error(`could not make a PDF of exactly ${bytes} bytes`);
}

/**
 * A baseline JPEG's structure (SOI, JFIF APP0, a quantisation table, a frame header, a Huffman
 * table, a scan, EOI): what the upload checks is its first and last markers.
 */
export function jpegFile(seed = 1): Buffer {
  const segment = (marker: number, data: number[]) => Buffer.from([0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    segment(0xdb, [0, ...Array.from({ length: 64 }, () => 1)]),
    segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    segment(0xc4, [0, 0, 1, ...Array.from({ length: 15 }, () => 0), 0]),
    segment(0xda, [1, 1, 0, 0, 63, 0]),
    Buffer.from([seed & 0x7f, 0x00]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export interface UploadPart {
  content: Buffer;
  /** the client's name for the file: it must never be stored or echoed */
  filename: string;
  /** the part's declared Content-Type */
  contentType: string;
}

/** Sends one file as `user`, in the part named `file` (another `field` name when given). */
export function upload(t: TestApp, user: TestUser, part: UploadPart, field = 'file'): Promise<Response> {
  return t.http
    .post('/api/v1/uploads')
    .set('Authorization', `Bearer ${user.token}`)
    .attach(field, part.content, { filename: part.filename, contentType: part.contentType });
}

/** Uploads a file that is accepted and answers its id; fails the test otherwise. */
export async function uploaded(t: TestApp, user: TestUser, content: Buffer = pdfFile()): Promise<string> {
  const res = await upload(t, user, { content, filename: 'proof.bin', contentType: 'application/octet-stream' });
  if (res.status !== 201) throw new Error(`upload answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
