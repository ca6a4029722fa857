import { contactAddress } from './contact-address';

describe('contactAddress: what a subject types, checked and put in the records’ form', () => {
  it.each([
    ['email', 'User1@Demo.Example', 'User1@Demo.Example'],
    ['email', '  user1@demo.example ', 'user1@demo.example'],
    ['phone', '+8613812345678', '+8613812345678'],
    ['phone', '13812345678', '+8613812345678'],
    ['phone', '138 1234 5678', '+8613812345678'],
    ['phone', '+86 138-1234-5678', '+8613812345678'],
  ] as const)('%s %j → %j', (channel, typed, expected) => {
    expect(contactAddress(channel, typed)).toEqual({ ok: true, address: expected });
  });

  it.each([
    ['email', 'not an address'],
    ['email', ''],
    ['email', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`],
    ['email', '+8613812345678'],
    ['phone', '1381234567'],
    ['phone', '138123456789'],
    ['phone', '+8513812345678'],
    ['phone', '+86+8613812345678'],
    ['phone', 'user1@demo.example'],
    ['phone', '１３８１２３４５６７８'],
  ] as const)('refuses %s %j', (channel, typed) => {
    expect(contactAddress(channel, typed)).toEqual({ ok: false, message: expect.stringContaining('address') });
  });
});
