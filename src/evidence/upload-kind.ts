/**
 * What kinds of file a subject may send as evidence, told by their bytes alone. The file name and
 * the Content-Type a client declares are the client's word; a PNG called `proof.pdf` is a PNG. The
 * checks look at both ends of the file, so a file cut short in transit, or another format with a
 * borrowed header, is not taken for one of these.
 */
export enum UploadKind {
  Pdf = 'pdf',
  Jpeg = 'jpeg',
  Png = 'png',
}

export const UPLOAD_KINDS: readonly UploadKind[] = Object.values(UploadKind);

/** The media type a kind is served as, and the one a client may declare for it. */
export const MEDIA_TYPE_OF: Readonly<Record<UploadKind, string>> = {
  [UploadKind.Pdf]: 'application/pdf',
  [UploadKind.Jpeg]: 'image/jpeg',
  [UploadKind.Png]: 'image/png',
};

/** The extension a downloaded file is given. */
export const EXTENSION_OF: Readonly<Record<UploadKind, string>> = {
  [UploadKind.Pdf]: 'pdf',
  [UploadKind.Jpeg]: 'jpg',
  [UploadKind.Png]: 'png',
};

/** The largest file taken, in bytes (10 MiB); the `uploads` table's CHECK says the same. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** ISO 32000: a PDF starts with its version header, and its last `%%EOF` is near the end (readers look in the last 1024 bytes). */
const PDF_HEADERS = [Buffer.from('%PDF-1.', 'latin1'), Buffer.from('%PDF-2.', 'latin1')];
const PDF_EOF = Buffer.from('%%EOF', 'latin1');
const PDF_TRAILER_WINDOW = 1024;

/** PNG (ISO/IEC 15948): the 8-byte signature, then the IHDR chunk (13 bytes of data), and last the empty IEND chunk with its CRC. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IHDR = Buffer.from('IHDR', 'latin1');
const PNG_IHDR_LENGTH = 13;
const PNG_IEND = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Signature, IHDR (length, type, data, CRC) and IEND. */
const PNG_MIN_LENGTH = PNG_SIGNATURE.length + 4 + 4 + PNG_IHDR_LENGTH + 4 + PNG_IEND.length;

/** JPEG (ITU T.81): the SOI marker and the first byte of the next marker, and the EOI marker last. */
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);
const JPEG_END = Buffer.from([0xff, 0xd9]);

const startsWith = (bytes: Buffer, prefix: Buffer): boolean => bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
const endsWith = (bytes: Buffer, suffix: Buffer): boolean => bytes.length >= suffix.length && bytes.subarray(bytes.length - suffix.length).equals(suffix);

function isPdf(bytes: Buffer): boolean {
  if (!PDF_HEADERS.some((header) => startsWith(bytes, header))) return false;
  // The trailer window may reach back into the header of a very short file; the marker must still come after it.
  const windowStart = Math.max(PDF_HEADERS[0].length, bytes.length - PDF_TRAILER_WINDOW);
  return bytes.subarray(windowStart).includes(PDF_EOF);
}

function isPng(bytes: Buffer): boolean {
  if (bytes.length < PNG_MIN_LENGTH || !startsWith(bytes, PNG_SIGNATURE)) return false;
  const firstChunkLength = bytes.readUInt32BE(PNG_SIGNATURE.length);
  const firstChunkType = bytes.subarray(PNG_SIGNATURE.length + 4, PNG_SIGNATURE.length + 8);
  return firstChunkLength === PNG_IHDR_LENGTH && firstChunkType.equals(PNG_IHDR) && endsWith(bytes, PNG_IEND);
}

function isJpeg(bytes: Buffer): boolean {
  // Longer than the two markers side by side, so that the start and the end cannot share a byte.
  return bytes.length > JPEG_START.length + JPEG_END.length - 1 && startsWith(bytes, JPEG_START) && endsWith(bytes, JPEG_END);
}

/** The kind of file these bytes are, or null when they are none of the kinds taken. */
export function sniffUploadKind(bytes: Buffer): UploadKind | null {
  if (isPdf(bytes)) return UploadKind.Pdf;
  if (isPng(bytes)) return UploadKind.Png;
  if (isJpeg(bytes)) return UploadKind.Jpeg;
  return null;
}

/**
 * The kind a declared Content-Type names (`image/png; charset=…` and any case included), or null
 * when it names none of them: `application/octet-stream`, say, which tells nothing, and is not held
 * against the file.
 */
export function kindOfMediaType(contentType: string | undefined): UploadKind | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return UPLOAD_KINDS.find((kind) => MEDIA_TYPE_OF[kind] === type) ?? null;
}
