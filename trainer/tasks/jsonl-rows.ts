/**
 * Streams a JSON Lines file into rows: one object per line, blank lines skipped, a UTF-8 byte-order
 * mark tolerated. A line that is not a JSON object fails the whole read with `file:line` and the
 * parser's own complaint, because a half-read task set would train on the wrong distribution.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { describeThrown, isTaskError, taskError } from './task-errors.ts';
import type { SourceRow } from './task-types.ts';

function openError(path: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return taskError('RC_ERR_TASKS_NOT_FOUND', `No task file at ${path}`, { cause: error });
  if (code === 'EISDIR') {
    const message = `${path} is a folder, not a JSONL file; use type "huggingface" for folders`;
    return taskError('RC_ERR_TASKS_NOT_FOUND', message, { cause: error });
  }
  return taskError('RC_ERR_TASKS_UNREADABLE', `Cannot read ${path}: ${describeThrown(error)}`, { cause: error });
}

export function parseJsonObjectLine(text: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw taskError('RC_ERR_TASKS_BAD_JSON', `${where}: not valid JSON (${describeThrown(error)})`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw taskError('RC_ERR_TASKS_BAD_JSON', `${where}: expected a JSON object, got ${kind}`);
  }
  return parsed as Record<string, unknown>;
}

/** Rows of one JSONL file; default ids are `<file base name>:<0-based line index>`. */
export async function readJsonlRows(path: string): Promise<SourceRow[]> {
  const name = basename(path);
  const stream = createReadStream(path, { encoding: 'utf8' });
  // An open failure surfaces as a stream error; readline would otherwise end as if the file were empty.
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', (error) => reject(openError(path, error)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const rows: SourceRow[] = [];
  let lineIndex = -1;
  try {
    for await (const raw of lines) {
      lineIndex += 1;
      const text = lineIndex === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      const where = `${path}:${lineIndex + 1}`;
      rows.push({ values: parseJsonObjectLine(text, where), where, defaultId: `${name}:${lineIndex}` });
    }
  } catch (error) {
    if (isTaskError(error)) throw error;
    throw openError(path, error);
  } finally {
    lines.close();
    stream.destroy();
  }
  return rows;
}
