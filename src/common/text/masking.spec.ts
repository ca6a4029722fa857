import { maskEmail, maskName, maskPhone } from './masking';

describe('maskPhone', () => {
  it('keeps the first three and the last four digits of a mainland mobile number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
  });

  it.each([
    ['+8613812341234', '+86 138****1234'],
    ['+86 138 1234 1234', '+86 138****1234'],
    ['008613812341234', '+86 138****1234'],
    ['+86-138-1234-1234', '+86 138****1234'],
    ['+1 415 555 2671', '+1 415****671'],
    ['+852 9123 4567', '+852 91****67'],
  ])('keeps the country code of %s: %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });

  it.each([
    ['138 1234 1234', '138****1234'],
    ['021-6123-4567', '021****4567'],
  ])('ignores separators in %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });

  it('hides at least four digits and shows at most seven, whatever the length', () => {
    for (let n = 1; n <= 20; n++) {
      const digits = '1234567890123456789012'.slice(0, n);
      const masked = maskPhone(digits)!;
      const shown = masked.replace(/\*/g, '');
      const hidden = masked.length - shown.length;
      expect({ n, hidden: hidden >= Math.min(n, 4), shown: shown.length <= 7 }).toEqual({ n, hidden: true, shown: true });
      expect(masked).not.toBe(digits);
    }
  });

  it.each([
    ['1', '*'],
    ['1234', '****'],
    ['12345', '****5'],
    ['12345678', '12****78'],
  ])('shows little of a short number: %s → %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked);
  });

  it('does not keep a "country code" that would leave too few digits to mask', () => {
    expect(maskPhone('+8612')).toBe('****');
  });

  it('never throws and reveals nothing of an odd value', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeNull();
    expect(maskPhone('')).toBe('');
    expect(maskPhone('   ')).toBe('');
    expect(maskPhone('call me')).toBe('****');
    expect(maskPhone('+')).toBe('****');
    expect(maskPhone(12345 as unknown as string)).toBeNull();
  });
});

describe('maskEmail', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com');
  });

  it('always shows three stars, so the length of the local part is not told', () => {
    expect(maskEmail('abc@example.com')).toBe('a***@example.com');
    expect(maskEmail('a.very.long.local.part@example.com')).toBe('a***@example.com');
  });

  it('hides a local part of one or two characters entirely', () => {
    expect(maskEmail('z@example.com')).toBe('***@example.com');
    expect(maskEmail('zs@example.com')).toBe('***@example.com');
  });

  it('masks up to the last @ and keeps whole characters', () => {
    expect(maskEmail('"a@b"@example.com')).toBe('"***@example.com');
    expect(maskEmail('张三丰@example.cn')).toBe('张***@example.cn');
    expect(maskEmail('👩‍💻dev@example.com')).toBe('👩‍💻***@example.com');
  });

  it('never throws and reveals at most one character of an odd value', () => {
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail(undefined)).toBeNull();
    expect(maskEmail('')).toBe('');
    expect(maskEmail('not-an-email')).toBe('n***');
    expect(maskEmail('@example.com')).toBe('***@example.com');
    expect(maskEmail('ab')).toBe('***');
  });
});

describe('maskName', () => {
  it('keeps the first character and masks each of the others', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('Zhang San')).toBe('Z********');
  });

  it('hides a one-character name entirely', () => {
    expect(maskName('张')).toBe('*');
  });

  it('never cuts a character in half', () => {
    expect(maskName('👨‍👩‍👧 family')).toBe('👨‍👩‍👧*******');
  });

  it('never throws', () => {
    expect(maskName(null)).toBeNull();
    expect(maskName(undefined)).toBeNull();
    expect(maskName('')).toBe('');
    expect(maskName('  ')).toBe('');
  });
});
