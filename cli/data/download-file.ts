/**
 * One file of a dataset download, resumable and never half-visible: bytes go to `<file>.partial`;
 * a later run asks for the rest with `Range: bytes=<have>-` (a server that ignores it answers 200
 * and the file starts over); the finished file is checked (size, and sha256 where the listing gave
 * one) and only then renamed to its name, so a task reader never sees a truncated parquet file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { HubFile } from './hub-client.ts';

export type FileProgress = { done: number; total: number | null };

export type DownloadResult = { bytes: number; status: 'downloaded' | 'resumed' | 'present' };

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function corrupt(file: string, partial: string, detail: string): RollcallError {
  rmSync(partial, { force: true });
  return new RollcallError('RC_ERR_DATA_CORRUPT', { file, detail });
}

async function request(file: HubFile, headers: Record<string, string>, from: number): Promise<Response> {
  try {
    return await fetch(file.url, { headers: { ...headers, ...(from > 0 ? { range: `bytes=${from}-` } : {}) }, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RollcallError('RC_ERR_DATA_UNREACHABLE', { url: file.url, detail: cause?.code ?? cause?.message ?? (error as Error).message }, { cause: error });
  }
}

/** Downloads `file` to `target` (resuming a partial one); `onProgress` sees every chunk. */
export async function downloadFile(file: HubFile, target: string, headers: Record<string, string>, onProgress: (progress: FileProgress) => void): Promise<DownloadResult> {
  if (existsSync(target) && (file.size === null || statSync(target).size === file.size)) return { bytes: statSync(target).size, status: 'present' };
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (file.size !== null && have > file.size) {
    rmSync(partial);
    have = 0;
  }
  const response = await request(file, headers, have);
  if (response.status === 416 && have > 0) {
    // The partial file already holds every byte: nothing is left to ask for.
    await response.body?.cancel();
  } else if (!response.ok) {
    await response.body?.cancel();
    throw new RollcallError('RC_ERR_DATA_BAD_RESPONSE', { url: file.url, detail: `HTTP ${response.status} for a file of the listing` });
  } else {
    const isResumed = response.status === 206 && have > 0;
    if (!isResumed) have = 0;
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = file.size ?? (Number.isFinite(length) ? have + length : null);
    const out = createWriteStream(partial, { flags: isResumed ? 'a' : 'w' });
    let done = have;
    onProgress({ done, total });
    try {
      for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
        if (!out.write(chunk)) await once(out, 'drain');
        done += (chunk as Buffer).length;
        onProgress({ done, total });
      }
    } catch (error) {
      throw new RollcallError('RC_ERR_DATA_UNREACHABLE', { url: file.url, detail: `the connection broke after ${done} bytes (run again to resume)` }, { cause: error });
    } finally {
      out.end();
      await once(out, 'close');
    }
  }
  const size = statSync(partial).size;
  if (file.size !== null && size !== file.size) throw corrupt(target, partial, `${size} bytes where the listing says ${file.size}`);
  if (file.sha256 !== null && (await sha256Of(partial)) !== file.sha256) throw corrupt(target, partial, `its sha256 is not the listing's ${file.sha256}`);
  renameSync(partial, target);
  return { bytes: size, status: have > 0 ? 'resumed' : 'downloaded' };
}
