/**
 * The download progress line: on a terminal a bar redrawn in place (at most every 100 ms), else
 * one line per finished file, so logs of non-interactive runs stay short.
 *
 *   main/train-00000-of-00001.parquet  [##########----------]  1.2/2.3 MB  4.1 MB/s
 */
export type BarStream = { write(text: string): unknown; isTTY?: boolean; columns?: number };

const CLEAR_TO_EOL = '\x1b[K';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The bar line of one file, without terminal control characters. */
export function barLine(label: string, done: number, total: number | null, bytesPerSecond: number, width = 20): string {
  const fraction = total === null || total === 0 ? null : Math.min(1, done / total);
  const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}]  `;
  const amount = total === null ? formatBytes(done) : `${formatBytes(done)}/${formatBytes(total)}`;
  return `${label}  ${bar}${amount}  ${formatBytes(bytesPerSecond)}/s`;
}

export class ProgressBar {
  private lastDraw = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly stream: BarStream, private readonly label: string) {}

  update(done: number, total: number | null): void {
    if (this.stream.isTTY !== true) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done !== total) return;
    this.lastDraw = now;
    const line = barLine(this.label, done, total, done / Math.max(0.001, (now - this.startedAt) / 1000));
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}${CLEAR_TO_EOL}`);
  }

  /** Ends the file's line: the bar's last state on a terminal, one summary line elsewhere. */
  finish(summary: string): void {
    this.stream.write(this.stream.isTTY === true ? `\r${this.label}  ${summary}${CLEAR_TO_EOL}\n` : `${this.label}  ${summary}\n`);
  }
}
