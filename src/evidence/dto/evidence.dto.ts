import { UploadKind } from '../upload-kind';

/** An upload as stored: what its content was found to be, never its bytes or the name it was sent under. */
export class EvidenceRef {
  id: string;
  /** what the content is, told by its bytes: `pdf`, `jpeg` or `png` */
  kind: UploadKind;
  /** bytes */
  size: number;
  /** SHA-256 of the content, lowercase hex: what was received, for anyone to check a copy against */
  sha256: string;
}

/** A request's evidence as staff see it listed (the file itself is a download of its own). */
export class EvidenceView extends EvidenceRef {
  /** ISO-8601 */
  uploadedAt: string;
  /** when the content was erased at the end of its retention period (ISO-8601); null while it is kept */
  deletedAt: string | null;
}
