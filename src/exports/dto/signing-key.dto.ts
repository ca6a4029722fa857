/** The key the portal signs transferred copies with, as a receiving handler needs it. */
export class SigningKeyView {
  /** names the key in every signed call (`X-DSR-Key-Id`) */
  keyId: string;
  /** always `Ed25519` */
  algorithm: string;
  /** the public key, SPKI in PEM */
  publicKeyPem: string;
  /** what the signature covers, one item per line */
  signs: string;
}
