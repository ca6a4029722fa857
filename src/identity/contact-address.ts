import { isEmail } from 'class-validator';
import type { LinkChannel } from './link-rules';

/** The longest e-mail address (RFC 5321's path limit, as registration takes it). */
export const MAX_EMAIL_LENGTH = 254;

/** A mainland number as the operator's records hold it: +86 and 11 digits. */
const PHONE = /^(?:\+86)?(\d{11})$/;

export type ContactAddress = { ok: true; address: string } | { ok: false; message: string };

/**
 * The address a subject typed, checked for its channel and put in the form the operator's records
 * use: an e-mail address trimmed (the directory compares it in lower case), a phone number as
 * `+86` and 11 digits, whether typed with `+86` or without, spaces and dashes dropped.
 */
export function contactAddress(channel: LinkChannel, typed: string): ContactAddress {
  if (channel === 'email') {
    const address = typed.trim();
    if (address.length > MAX_EMAIL_LENGTH) return { ok: false, message: `address must be at most ${MAX_EMAIL_LENGTH} characters` };
    if (!isEmail(address)) return { ok: false, message: 'address must be an e-mail address' };
    return { ok: true, address };
  }
  const digits = PHONE.exec(typed.replace(/[\s-]/g, ''));
  if (!digits) return { ok: false, message: 'address must be a mainland phone number: 11 digits, with or without +86' };
  return { ok: true, address: `+86${digits[1]}` };
}
