import { SeededRandom } from './seeded-random';

/** Side of the placeholder face images, in pixels. */
export const FACE_IMAGE_SIZE = 16;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A small grayscale PNG standing for an enrolled face photo: a light oval with two dark eyes on a
 * dark ground, with noise drawn from `random`. A real, viewable image (an export can hand it over as
 * a file), yet nobody's face. Its pixels are stored uncompressed (a stored deflate block): tens of
 * thousands are made per generation, and a zlib call each would cost more than the rest of the row.
 */
export function placeholderFacePng(random: SeededRandom): Buffer {
  const size = FACE_IMAGE_SIZE;
  const rows = Buffer.alloc(size * (size + 1));
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    rows[y * (size + 1)] = 0; // filter type: none
    for (let x = 0; x < size; x++) {
      const inFace = ((x - centre) / (size * 0.38)) ** 2 + ((y - centre) / (size * 0.46)) ** 2 <= 1;
      const eye = y === Math.round(size * 0.4) && (x === Math.round(size * 0.33) || x === Math.round(size * 0.66));
      const base = eye ? 30 : inFace ? 190 : 45;
      rows[y * (size + 1) + 1 + x] = Math.max(0, Math.min(255, base + random.int(-20, 20)));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per sample
  header[9] = 0; // grayscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', storedZlib(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A zlib stream of one stored (uncompressed) deflate block (RFC 1950, RFC 1951 §3.2.4); `data` under 64 KiB. */
function storedZlib(data: Buffer): Buffer {
  const out = Buffer.alloc(2 + 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  out[2] = 0x01; // the final block, stored
  out.writeUInt16LE(data.length, 3);
  out.writeUInt16LE(~data.length & 0xffff, 5);
  data.copy(out, 7);
  out.writeUInt32BE(adler32(data), 7 + data.length);
  return out;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
