/**
 * Applies a field mapping to source rows. Strict where a mistake would train on garbage (a missing
 * or non-text query, an unusable id, a metadata column that is not there) and lenient where data
 * is legitimately sparse: a row without its answer column simply has no reference answer.
 */
import { taskError } from './task-errors.ts';
import type { FieldMapping, SourceRow, Task } from './task-types.ts';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function columnsOf(row: SourceRow): string {
  const names = Object.keys(row.values);
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

function badRow(row: SourceRow, problem: string): Error {
  return taskError('RC_ERR_TASKS_BAD_ROW', `${row.where}: ${problem}`);
}

function readQuery(row: SourceRow, field: string): string {
  const value = row.values[field];
  if (value === undefined) {
    throw badRow(row, `no query field "${field}" (columns: ${columnsOf(row)}); set fields.query`);
  }
  if (typeof value !== 'string') throw badRow(row, `query field "${field}" must be text, got ${kindOf(value)}`);
  if (value.trim() === '') throw badRow(row, `query field "${field}" is empty`);
  return value;
}

function readAnswer(row: SourceRow, field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  const value = row.values[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  // Numeric answers (`"answer": 72`) are common in math sets; the judge compares text.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRow(row, `answer field "${field}" must be text or a number, got ${kindOf(value)}`);
}

function readId(row: SourceRow, field: string | undefined): string {
  if (field === undefined) return row.defaultId;
  const value = row.values[field];
  if (value === undefined || value === null) throw badRow(row, `no id field "${field}" (columns: ${columnsOf(row)})`);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw badRow(row, `id field "${field}" must be non-empty text or an integer, got ${kindOf(value)}`);
}

function readMetadata(row: SourceRow, fields: FieldMapping): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (fields.metadata !== undefined) {
    for (const name of fields.metadata) {
      if (!(name in row.values)) throw badRow(row, `no metadata field "${name}" (columns: ${columnsOf(row)})`);
      metadata[name] = row.values[name];
    }
    return metadata;
  }
  const mapped = new Set([fields.query, fields.answer, fields.id]);
  for (const [name, value] of Object.entries(row.values)) {
    if (!mapped.has(name)) metadata[name] = value;
  }
  return metadata;
}

/** Fails naming both places when two tasks share an id: selectors and metrics key tasks by id. */
export function assertUniqueIds(tasks: readonly Task[], whereOf: (index: number) => string): void {
  const firstIndex = new Map<string, number>();
  for (const task of tasks) {
    const earlier = firstIndex.get(task.id);
    if (earlier !== undefined) {
      throw taskError(
        'RC_ERR_TASKS_DUPLICATE_ID',
        `Duplicate task id "${task.id}" at ${whereOf(earlier)} and ${whereOf(task.index)}; ` +
          'ids must be unique (set fields.id to a unique column)',
      );
    }
    firstIndex.set(task.id, task.index);
  }
}

/** Rows → tasks, indexed in row order, ids checked for uniqueness. */
export function tasksFromRows(rows: readonly SourceRow[], fields: FieldMapping): Task[] {
  const tasks = rows.map((row, index): Task => {
    const task: Task = {
      id: readId(row, fields.id),
      index,
      query: readQuery(row, fields.query),
      metadata: readMetadata(row, fields),
    };
    const referenceAnswer = readAnswer(row, fields.answer);
    if (referenceAnswer !== undefined) task.referenceAnswer = referenceAnswer;
    return task;
  });
  assertUniqueIds(tasks, (index) => rows[index]?.where ?? `row ${index}`);
  return tasks;
}
