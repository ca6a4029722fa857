import { sortsAfter } from './audit.service';

describe('sealing order', () => {
  // [a, b]: a = (txId, n), b likewise; compared as PostgreSQL's integers, not as strings.
  const pairs: Array<[[string, string], [string, string]]> = [
    [
      ['10', '1'],
      ['9', '1'],
    ],
    [
      ['100', '5'],
      ['99', '999'],
    ],
    [
      ['7', '10'],
      ['7', '9'],
    ],
    [
      ['7', '2'],
      ['7', '2'],
    ],
    [
      ['7', '1'],
      ['7', '-1'],
    ],
    [
      ['7', '-2'],
      ['7', '-10'],
    ],
    [
      ['7', '-10'],
      ['7', '-2'],
    ],
    [
      ['7', '0'],
      ['7', '-1'],
    ],
    [
      ['18446744073709551615', '1'],
      ['18446744073709551614', '2'],
    ],
    [
      ['1', '9223372036854775807'],
      ['1', '9223372036854775806'],
    ],
  ];

  it.each(pairs)('puts %j after %j exactly when BigInt comparison does', ([atx, an], [btx, bn]) => {
    const expected = BigInt(atx) > BigInt(btx) || (BigInt(atx) === BigInt(btx) && BigInt(an) > BigInt(bn));
    expect(sortsAfter({ txId: atx, n: an }, { txId: btx, n: bn })).toBe(expected);
    const reverse = BigInt(btx) > BigInt(atx) || (BigInt(btx) === BigInt(atx) && BigInt(bn) > BigInt(an));
    expect(sortsAfter({ txId: btx, n: bn }, { txId: atx, n: an })).toBe(reverse);
  });
});
