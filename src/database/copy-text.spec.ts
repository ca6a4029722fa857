import { copyField } from './copy-text';

describe("a value of COPY's text format", () => {
  it('is null for \\N, and itself when it has no backslash', () => {
    expect(copyField('\\N')).toBeNull();
    expect(copyField('N')).toBe('N');
    expect(copyField('')).toBe('');
    expect(copyField('个人信息 "quoted"')).toBe('个人信息 "quoted"');
  });

  it('turns each escape back into what it stands for, and an escaped backslash into one backslash', () => {
    expect(copyField('a\\tb\\nc\\rd\\be\\ff\\vg')).toBe('a\tb\nc\rd\be\ff\vg');
    expect(copyField('C:\\\\dir\\\\N')).toBe('C:\\dir\\N');
    expect(copyField('\\\\N')).toBe('\\N');
  });
});
