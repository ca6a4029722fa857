import { Presets, SingleBar } from 'cli-progress';
import type { SampleDataProgress } from './demo-generator';

export interface ProgressReporter {
  update(progress: SampleDataProgress): void;
  /** Ends the bar (the terminal's line is left showing where it stopped). */
  stop(): void;
}

/** What a reporter writes to: standard error, or a stand-in in the tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress of a sample-data generation for the person at the terminal: a redrawn bar on a terminal
 * (cli-progress), one line per tenth otherwise (a log file or a CI job gets ten lines, not a bar
 * rewritten with carriage returns).
 */
export function progressReporter(stream: ProgressStream, label: string): ProgressReporter {
  return stream.isTTY ? terminalBar(stream as NodeJS.WriteStream, label) : new TenthsReporter(stream, label);
}

function terminalBar(stream: NodeJS.WriteStream, label: string): ProgressReporter {
  const bar = new SingleBar(
    { stream, format: `${label} [{bar}] {percentage}% | {users} users, {accessLogs} access-log rows | ETA {eta_formatted}`, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { users: p.users, accessLogs: p.accessLogs };
      if (!started) bar.start(p.total, p.done, payload);
      else bar.update(p.done, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One line at the start and each time the work passes another tenth (several tenths passed at once: one line). */
export class TenthsReporter implements ProgressReporter {
  private lastTenth = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
  ) {}

  update(p: SampleDataProgress): void {
    const tenth = p.total === 0 ? 10 : Math.floor((p.done * 10) / p.total);
    if (tenth <= this.lastTenth) return;
    this.lastTenth = tenth;
    this.stream.write(`${this.label}: ${tenth * 10}% (${p.users} users, ${p.accessLogs} access-log rows)\n`);
  }

  stop(): void {}
}
