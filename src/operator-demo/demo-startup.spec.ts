import { wantsStartUpSample } from './demo-startup';

describe('whether a start fills an empty operator schema', () => {
  it.each([
    ['development', true, {}, true],
    ['development', false, {}, false],
    ['production', true, {}, false],
    ['production', true, { inTest: true }, false],
    ['test', true, {}, false],
    ['test', true, { inTest: true }, true],
    ['test', false, { inTest: true }, false],
  ] as const)('NODE_ENV=%s, DEMO_SEED=%s, %j: %s', (NODE_ENV, DEMO_SEED, options, wanted) => {
    expect(wantsStartUpSample({ NODE_ENV, DEMO_SEED }, options)).toBe(wanted);
  });
});
