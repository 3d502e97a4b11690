import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_ROW_FIRST_TOKEN_FIELD, type BatchRowHead } from '../../src/run/batch-row.ts';
import { batchFilePath, stepOfBatchFile, type RunFolder } from '../../src/run/run-layout.ts';

/**
 * Where each trained sample sits in a step's batch file (`batches/step_<n>.jsonl`, written by the
 * trainer, see src/run/batch-row.ts), and its advantage. A step of 1,024 rollouts with 32k-token
 * samples makes a file of a gigabyte or more, so the index never parses token arrays: it finds
 * line ends with a byte search and parses only each row's head, the JSON before `"tokens"`. A
 * row's token arrays are read from its offset when a page asks for them. Batch files are written
 * once; an index is rebuilt only when its file's size or time changes.
 */

export type BatchEntry = BatchRowHead & { offset: number; length: number };
export type StepBatch = { step: number; file: string; byRollout: Map<string, BatchEntry[]>; samples: number };

const CHUNK_BYTES = 1 << 20;
/** Heads are a few hundred bytes; a row whose head is longer is parsed whole. */
const HEAD_BYTES = 8192;
const HEAD_END = Buffer.from(`,"${BATCH_ROW_FIRST_TOKEN_FIELD}":`);

/** Line start and length of every row, found without decoding the file. */
async function lineSpans(handle: FileHandle): Promise<{ offset: number; length: number }[]> {
  const spans: { offset: number; length: number }[] = [];
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let position = 0;
  let lineStart = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    let at = buffer.indexOf(0x0a, 0);
    while (at >= 0 && at < bytesRead) {
      const end = position + at;
      if (end > lineStart) spans.push({ offset: lineStart, length: end - lineStart });
      lineStart = end + 1;
      at = buffer.indexOf(0x0a, at + 1);
    }
      position += bytesRead;
  }
  return spans;
}

function checkedHead(text: string): BatchRowHead | null {
  try {
    const head = JSON.parse(text) as Partial<BatchRowHead>;
    if (typeof head.rolloutId !== 'string' || typeof head.sampleId !== 'string' || typeof head.advantage !== 'number') return null;
    return head as BatchRowHead;
  } catch {
    return null;
  }
}

/** The head of a row from its first bytes: the JSON before `"tokens"`, closed. */
function headOf(bytes: Buffer): BatchRowHead | null {
  const end = bytes.indexOf(HEAD_END);
  return end < 0 ? null : checkedHead(`${bytes.toString('utf8', 0, end)}}`);
}

async function readSpan(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

/** Indexes one batch file; rows that cannot be read are skipped. */
export async function indexBatchFile(step: number, file: string): Promise<StepBatch> {
  const byRollout = new Map<string, BatchEntry[]>();
  let samples = 0;
  const handle = await open(file, 'r');
  try {
    for (const span of await lineSpans(handle)) {
      const headBytes = await readSpan(handle, span.offset, Math.min(span.length, HEAD_BYTES));
      // A row whose head is not first (another writer's field order) is parsed whole.
      const head = headOf(headBytes) ?? checkedHead((await readSpan(handle, span.offset, span.length)).toString('utf8'));
      if (head === null) continue;
      samples += 1;
      const entries = byRollout.get(head.rolloutId) ?? [];
      entries.push({ ...head, offset: span.offset, length: span.length });
      byRollout.set(head.rolloutId, entries);
    }
  } finally {
    await handle.close();
  }
  return { step, file, byRollout, samples };
}

/** The token arrays of one indexed row. */
export async function readBatchRow(file: string, entry: BatchEntry): Promise<{ tokens: number[]; lossMask: number[]; advantages: number[] }> {
  const handle = await open(file, 'r');
  try {
    const row = JSON.parse((await readSpan(handle, entry.offset, entry.length)).toString('utf8')) as { tokens: number[]; lossMask: number[]; advantages: number[] };
    return { tokens: row.tokens, lossMask: row.lossMask, advantages: row.advantages };
  } finally {
    await handle.close();
  }
}

/** The batch files of a run folder by step, each indexed when first asked for and again after it changes. */
export class BatchIndex {
  private readonly cache = new Map<number, { key: string; batch: Promise<StepBatch> }>();

  constructor(private readonly folder: RunFolder) {}

  /** Steps with a batch file. */
  async steps(): Promise<Map<number, string>> {
    const names = await readdir(this.folder.batchesDir).catch(() => [] as string[]);
    const steps = new Map<number, string>();
    for (const name of names) {
      const step = stepOfBatchFile(name);
      if (step !== null) steps.set(step, join(this.folder.batchesDir, name));
    }
    return steps;
  }

  /** The index of a step's batch, or null before the step trained. */
  async forStep(step: number): Promise<StepBatch | null> {
    const file = batchFilePath(this.folder, step);
    const info = await stat(file).catch(() => null);
    if (info === null) return null;
    const key = `${info.size}:${info.mtimeMs}`;
    const cached = this.cache.get(step);
    if (cached !== undefined && cached.key === key) return cached.batch;
    const batch = indexBatchFile(step, file);
    this.cache.set(step, { key, batch });
    batch.catch(() => this.cache.delete(step));
    return batch;
  }
}
