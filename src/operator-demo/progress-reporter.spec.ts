import { progressReporter, TenthsReporter } from './progress-reporter';

const progress = (done: number, total: number) => ({ done, total, users: Math.min(done, 10), accessLogs: Math.max(0, done - 10) });

describe('the progress of a generation', () => {
  it('off a terminal: one line at the start and one per tenth passed, never the same tenth twice', () => {
    const lines: string[] = [];
    const reporter = progressReporter({ isTTY: false, write: (text: string) => lines.push(text) }, 'demo:generate');
    expect(reporter).toBeInstanceOf(TenthsReporter);
    for (const done of [0, 5, 10, 11, 25, 26, 80, 110]) reporter.update(progress(done, 110));
    reporter.stop();
    expect(lines).toEqual([
      'demo:generate: 0% (0 users, 0 access-log rows)\n',
      'demo:generate: 10% (10 users, 1 access-log rows)\n',
      'demo:generate: 20% (10 users, 15 access-log rows)\n',
      'demo:generate: 70% (10 users, 70 access-log rows)\n',
      'demo:generate: 100% (10 users, 100 access-log rows)\n',
    ]);
  });

  it('on a terminal: a bar redrawn in place (cli-progress), ending at 100%', () => {
    let out = '';
    // What cli-progress uses of a terminal stream.
    const terminal = {
      isTTY: true,
      columns: 120,
      write: (text: string) => ((out += text), true),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    };
    const reporter = progressReporter(terminal, 'demo:generate');
    expect(reporter).not.toBeInstanceOf(TenthsReporter);
    reporter.update(progress(0, 20));
    reporter.update(progress(20, 20));
    reporter.stop();
    expect(out).toContain('demo:generate [');
    expect(out).toContain('100% | 10 users, 10 access-log rows');
  });
});
