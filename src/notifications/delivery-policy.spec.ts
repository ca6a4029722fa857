import { afterFailure, describeDeliveryError, MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from './delivery-policy';

describe('notice delivery policy', () => {
  it('waits the base, then doubles, capped at six hours', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelaySeconds(a, 30))).toEqual([30, 60, 120, 240, 480]);
    expect(retryDelaySeconds(20, 30)).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds(1000, 30)).toBe(MAX_RETRY_DELAY_SECONDS);
  });

  it('gives up only when the attempt was the last one allowed', () => {
    expect(afterFailure(1, 8)).toBe('retry');
    expect(afterFailure(7, 8)).toBe('retry');
    expect(afterFailure(8, 8)).toBe('fail');
    expect(afterFailure(1, 1)).toBe('fail');
  });

  it('describes an SMTP refusal with its codes and without any address', () => {
    const err = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <Zhang.San@example.com>: mailbox unavailable"), {
      code: 'EENVELOPE',
      responseCode: 550,
      rejected: ['zhang.san@example.com'],
    });
    const described = describeDeliveryError(err);
    expect(described).toBe("EENVELOPE 550: Can't send mail - all recipients were rejected: 550 5.1.1 <address>: mailbox unavailable");
    expect(described).not.toMatch(/@/);
  });

  it('describes anything thrown, shortened', () => {
    expect(describeDeliveryError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeDeliveryError('boom')).toBe('Error: boom');
    expect(describeDeliveryError(new Error('x'.repeat(1000))).length).toBe(300);
  });
});
