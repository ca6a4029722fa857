import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { IsString, validateSync } from 'class-validator';
import { IsAcceptablePassword, passwordProblem } from './password-rules';

describe('the password rule', () => {
  it.each([
    ['a 9-character password', 'Tr0ub4dor', 'must be 10 to 200 characters'],
    ['a 201-character password', 'x'.repeat(201), 'must be 10 to 200 characters'],
    ['a common one', '1234567890', 'is one of the most common passwords; choose one that is harder to guess'],
    ['a common one in capitals', 'QWERTYUIOP', 'is one of the most common passwords; choose one that is harder to guess'],
    ['a Chinese favourite', 'WoAiNi1314', 'is one of the most common passwords; choose one that is harder to guess'],
    ['a letter-digit pattern', 'a1b2c3d4e5', 'is one of the most common passwords; choose one that is harder to guess'],
    ['leetspeak', 'P@ssw0rd123', 'is one of the most common passwords; choose one that is harder to guess'],
  ])('refuses %s', (_, password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it('refuses the email address and its local part, in any letter case, when the address is known', () => {
    const email = 'Li.Xiaolong.88@Example.com';
    for (const password of ['li.xiaolong.88@example.com', 'LI.XIAOLONG.88', 'li.xiaolong.88']) {
      expect(passwordProblem(password, email)).toBe('must not be the email address or the part before its @');
      expect(passwordProblem(password)).toBeNull();
    }
    expect(passwordProblem('li.xiaolong.88 at home', email)).toBeNull();
  });

  it('accepts a long, uncommon password, at both ends of the length range', () => {
    expect(passwordProblem('tea kettle on a Tuesday')).toBeNull();
    expect(passwordProblem('k7#Qm2!vZr')).toBeNull();
    expect(passwordProblem('k7#Qm2!vZr'.repeat(20))).toBeNull();
  });

  it('ships a list of a few thousand lower-case entries, with the passwords the rankings put first', () => {
    const entries = readFileSync(join(__dirname, 'common-passwords', 'common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(entries.length).toBeGreaterThan(3000);
    expect(entries.every((e) => e === e.toLowerCase() && e.trim() === e)).toBe(true);
    expect(new Set(entries).size).toBe(entries.length);
    expect(entries).toEqual(expect.arrayContaining(['123456', 'password', 'qwerty', 'iloveyou', '5201314', 'woaini1314', '88888888', 'a1b2c3d4']));
  });

  describe('@IsAcceptablePassword()', () => {
    class Body {
      @IsString()
      email: string;

      @IsString()
      @IsAcceptablePassword()
      password: string;
    }
    const problems = (body: object) =>
      validateSync(plainToInstance(Body, body)).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));

    it('names the field and the problem, with the email of the same body', () => {
      expect(problems({ email: 'wang.wu.home@example.com', password: 'Wang.Wu.Home' })).toEqual([
        'password: password must not be the email address or the part before its @',
      ]);
      expect(problems({ email: 'wang.wu.home@example.com', password: 'short' })).toEqual(['password: password must be 10 to 200 characters']);
      expect(problems({ email: 'wang.wu.home@example.com', password: 'a garden of wild thyme' })).toEqual([]);
    });

    it('leaves a value that is not a string to @IsString()', () => {
      expect(problems({ email: 'wang.wu.home@example.com', password: 12345678901 })).toEqual(['password: password must be a string']);
    });
  });
});
