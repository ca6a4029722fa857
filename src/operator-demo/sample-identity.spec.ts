import { DEMO_SUBJECT_SAMPLE_USER, MAX_SAMPLE_USERS, sampleEmail, sampleNumberOfEmail, samplePhone } from './sample-identity';

describe('how sample user n is reached', () => {
  it.each([
    [1, 'user1@demo.example', '+8613900000001'],
    [42, 'user42@demo.example', '+8613900000042'],
    [12_345_678 % MAX_SAMPLE_USERS, 'user345678@demo.example', '+8613900345678'],
    [MAX_SAMPLE_USERS, 'user1000000@demo.example', '+8613901000000'],
  ])('user %i: %s, %s', (n, email, phone) => {
    expect(sampleEmail(n)).toBe(email);
    expect(samplePhone(n)).toBe(phone);
    expect(sampleNumberOfEmail(email)).toBe(n);
  });

  it('stores e-mails lower-case and phones as +86 and 11 digits', () => {
    for (const n of [1, 9, 10, 99_999, 100_000, MAX_SAMPLE_USERS]) {
      expect(sampleEmail(n)).toBe(sampleEmail(n).toLowerCase());
      expect(samplePhone(n)).toMatch(/^\+86\d{11}$/);
    }
  });

  it('refuses numbers outside 1 to MAX_SAMPLE_USERS, and reads no number from other addresses', () => {
    for (const n of [0, -1, 1.5, MAX_SAMPLE_USERS + 1, NaN]) {
      expect(() => sampleEmail(n)).toThrow(RangeError);
      expect(() => samplePhone(n)).toThrow(RangeError);
    }
    for (const email of [
      'user0@demo.example',
      'user01@demo.example',
      'User1@demo.example',
      'user1@demo.example.com',
      'user2000000@demo.example',
      'demo.subject@example.com',
    ])
      expect(sampleNumberOfEmail(email)).toBeNull();
  });

  it('names sample user 1 as the demo subject’s', () => {
    expect(sampleEmail(DEMO_SUBJECT_SAMPLE_USER)).toBe('user1@demo.example');
  });
});
