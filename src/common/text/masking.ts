/**
 * How personal information is shown on staff screens (policy face.use.5: "采用包括内容替换、去标识化
 * 处理等方式对您的信息进行脱敏"). Pure functions: they never throw, and for a short or odd value
 * they show less, never more, than the usual masked form.
 */

const MASK = '*';

/** `13812341234` → `138****1234`; `+86 138 1234 1234` → `+86 138****1234`. */
export function maskPhone(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return '';
  const international = /^(\+|00)/.test(trimmed);
  let digits = trimmed.replace(/\D/g, '');
  if (international && trimmed.startsWith('00')) digits = digits.slice(2);
  if (digits === '') return MASK.repeat(4);
  let prefix = '';
  if (international) {
    const cc = countryCodeOf(digits);
    // Keep the country code only when a national number follows it that is long enough to mask.
    if (digits.length - cc.length >= 5) {
      prefix = `+${cc} `;
      digits = digits.slice(cc.length);
    }
  }
  return prefix + maskDigits(digits);
}

/**
 * At least four digits (and at least all but seven) are hidden; of what is left, at most the first
 * three and the last four show. 11 digits → 3 + 4 shown; 4 digits or fewer → all hidden.
 */
function maskDigits(digits: string): string {
  const n = digits.length;
  const hidden = Math.min(n, Math.max(4, n - 7));
  const visible = n - hidden;
  const end = Math.min(4, Math.ceil(visible / 2));
  const start = visible - end;
  return digits.slice(0, start) + MASK.repeat(hidden) + digits.slice(n - end);
}

// ITU-T E.164 country codes: 1 and 7 are one digit; these two-digit ones are assigned; every other is three.
const TWO_DIGIT_COUNTRY_CODES = new Set([
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

function countryCodeOf(digits: string): string {
  if (digits.startsWith('1') || digits.startsWith('7')) return digits.slice(0, 1);
  if (TWO_DIGIT_COUNTRY_CODES.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/** `zhangsan@example.com` → `z***@example.com`; the local part shows at most its first character. */
export function maskEmail(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return '';
  const at = trimmed.lastIndexOf('@');
  const local = at === -1 ? trimmed : trimmed.slice(0, at);
  const domain = at === -1 ? '' : trimmed.slice(at);
  const chars = characters(local);
  // A local part of one or two characters would be half shown by its first one: hide it all.
  const shown = chars.length >= 3 ? chars[0] : '';
  return `${shown}${MASK.repeat(3)}${domain}`;
}

/** `张三丰` → `张**`: the first character, then one `*` for each other character. */
export function maskName(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const chars = characters(value.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return MASK;
  return chars[0] + MASK.repeat(chars.length - 1);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters, so that an emoji or a combined character is never cut in half. */
function characters(value: string): string[] {
  return Array.from(segmenter.segment(value), (s) => s.segment);
}
