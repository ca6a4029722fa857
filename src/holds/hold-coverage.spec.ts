import { holdCoverage } from './hold-coverage';

describe('holdCoverage', () => {
  const alice = '6f1c1d7e-3f0a-4b8e-9a57-1d2a3b4c5d6e';
  const bob = '0b7c2f4e-8d1a-4c3b-9e5f-2a6d7c8b9e0f';
  const tx = { id: '11111111-1111-4111-8111-111111111111', subjectId: alice, categories: ['transactions'], active: true };
  const logs = { id: '22222222-2222-4222-8222-222222222222', subjectId: alice, categories: ['device_access', 'violations'], active: true };
  const released = { id: '33333333-3333-4333-8333-333333333333', subjectId: alice, categories: ['account'], active: false };
  const bobs = { id: '44444444-4444-4444-8444-444444444444', subjectId: bob, categories: ['account'], active: true };
  const found = [tx, logs, released, bobs];
  const none = { uncovered: [], inactiveHolds: [], unknownHolds: [] };

  it.each([
    ['one hold covers its category', [tx.id], ['transactions'], { ...none, covering: [tx] }],
    ['two holds cover together', [tx.id, logs.id], ['transactions', 'violations'], { ...none, covering: [tx, logs] }],
    ['nothing cited, nothing kept', [], [], { ...none, covering: [] }],
    ['ids in upper case are the same holds', [tx.id.toUpperCase()], ['transactions'], { ...none, covering: [tx] }],
    ['a category no hold includes', [tx.id], ['transactions', 'account'], { ...none, covering: [tx], uncovered: ['account'] }],
    ['a released or expired hold', [released.id], ['account'], { ...none, covering: [], inactiveHolds: [released.id], uncovered: ['account'] }],
    ["another subject's hold is unknown", [bobs.id], ['account'], { ...none, covering: [], unknownHolds: [bobs.id], uncovered: ['account'] }],
    [
      'an id of nothing, or not an id',
      ['55555555-5555-4555-8555-555555555555', 'x'],
      [],
      { ...none, covering: [], unknownHolds: ['55555555-5555-4555-8555-555555555555', 'x'] },
    ],
  ])('%s', (_, ids, categories, expected) => {
    expect(holdCoverage(alice, found, ids, categories)).toEqual(expected);
  });
});
