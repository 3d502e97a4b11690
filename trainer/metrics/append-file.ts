/**
 * An append-only file written with synchronous, unbuffered writes.
 *
 * Durability policy: every `write` is one `write(2)` on a descriptor opened with `O_APPEND`, so
 * once it returns the bytes are in the operating system's cache and survive a crash of this
 * process (not of the machine). With `fsync: true` each write is also forced to disk, which
 * survives a power loss at the price of a disk flush per write — for metrics, written once per
 * training step, either cost is negligible. Synchronous writes keep the record order equal to the
 * call order without a queue, and `O_APPEND` keeps each record whole even if another process
 * appends to the same file.
 */

import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs';

import { metricsError, withIo } from './metrics-errors.ts';

export type AppendFileOptions = {
  /** Force each write to disk with fsync (default false: flushed to the OS only). */
  readonly fsync?: boolean;
};

export class AppendFile {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly isFsync: boolean,
  ) {
    this.fd = fd;
  }

  /** Opens (creating if needed) `path` for appending. */
  static open(path: string, options: AppendFileOptions = {}): AppendFile {
    const fd = withIo('open', path, () => openSync(path, 'a'));
    return new AppendFile(path, fd, options.fsync === true);
  }

  /** The file's current size in bytes. */
  size(): number {
    const fd = this.descriptor();
    return withIo('stat', this.path, () => fstatSync(fd).size);
  }

  /** Appends all of `data`; returns once the OS has it (and the disk, with `fsync`). */
  write(data: Uint8Array | string): void {
    const fd = this.descriptor();
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    withIo('write', this.path, () => {
      // A regular file takes the whole buffer in one call; the loop only guards odd filesystems.
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      if (this.isFsync) fsyncSync(fd);
    });
  }

  get isClosed(): boolean {
    return this.fd === undefined;
  }

  /** Closes the file; a second call does nothing. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    withIo('close', this.path, () => closeSync(fd));
  }

  /** Throws `RC_ERR_METRICS_CLOSED` once the file is closed. */
  assertOpen(): void {
    this.descriptor();
  }

  private descriptor(): number {
    if (this.fd === undefined) {
      throw metricsError('RC_ERR_METRICS_CLOSED', `${this.path} is already closed`);
    }
    return this.fd;
  }
}
