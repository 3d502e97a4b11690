/**
 * The quickstart's last line: held-out success at the first and the last validation of the run,
 * and the best one in between when it beats the last (64 held-out tasks sampled once move by
 * ±0.05 from one validation to the next, so the last alone can understate what the run reached).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type MetricsRow = Record<string, number>;

const clock = (ms: number): string => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
const success = (row: MetricsRow): string => `${row['val/pass@1']!.toFixed(3)} (step ${row.step})`;

export function heldOutLine(rows: MetricsRow[], elapsedMs: number, runDir: string): string {
  const validated = rows.filter((r) => r['val/pass@1'] !== undefined);
  const first = validated[0];
  const last = validated.at(-1);
  if (first === undefined || last === undefined) return `no validation finished; run folder ${runDir}`;
  const best = validated.slice(1, -1).reduce<MetricsRow | undefined>((top, r) => (r['val/pass@1']! > (top ?? last)['val/pass@1']! ? r : top), undefined);
  return `held-out success ${success(first)} → ${success(last)}${best ? `, best ${success(best)}` : ''} in ${clock(elapsedMs)}; run folder ${runDir}`;
}

/** The rows of a run folder's metrics.jsonl (none when the run wrote none). */
export function readMetricsRows(runDir: string): MetricsRow[] {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as MetricsRow);
}
