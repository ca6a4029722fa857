import { publishedCount, publishedMedian, publishedShare, SMALLEST_PUBLISHED_COUNT } from './suppression';

describe('what the transparency page may publish', () => {
  it.each([
    [0, 0],
    [1, null],
    [4, null],
    [5, 5],
    [1234, 1234],
  ])('publishes the count %i as %p', (n, shown) => {
    expect(publishedCount(n)).toBe(shown);
  });

  it('publishes a median only over at least five decisions, to a tenth of a day', () => {
    expect(SMALLEST_PUBLISHED_COUNT).toBe(5);
    expect(publishedMedian(4, 2.34)).toBeNull();
    expect(publishedMedian(5, 2.34)).toBe(2.3);
    expect(publishedMedian(5, 2.35)).toBe(2.4);
    expect(publishedMedian(9, null)).toBeNull();
  });

  it('publishes a share only when neither the on-time nor the late count it implies is 1 to 4', () => {
    expect(publishedShare(4, 4)).toBeNull();
    expect(publishedShare(5, 5)).toBe(1);
    expect(publishedShare(7, 0)).toBe(0);
    expect(publishedShare(7, 6)).toBeNull(); // one late
    expect(publishedShare(7, 3)).toBeNull(); // three on time
    expect(publishedShare(15, 10)).toBe(0.667);
  });
});
