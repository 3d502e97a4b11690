import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldOutLine } from '../../../../cli/quickstart/held-out-line.ts';

const validation = (step: number, success: number) => ({ step, 'val/pass@1': success });
const trainStep = (step: number) => ({ step, 'reward/mean': 0.5 });

test('the line gives the first and the last validation, and the time', () => {
  const rows = [validation(0, 0.281), trainStep(1), trainStep(2), validation(2, 0.5)];
  assert.equal(heldOutLine(rows, 125_000, 'runs/x'), 'held-out success 0.281 (step 0) → 0.500 (step 2) in 2:05; run folder runs/x');
});

test('a validation in between that beats the last is named as the best', () => {
  const rows = [validation(0, 0.438), validation(8, 0.859), validation(16, 0.672), validation(24, 0.906), validation(40, 0.75)];
  assert.equal(heldOutLine(rows, 479_000, 'r'), 'held-out success 0.438 (step 0) → 0.750 (step 40), best 0.906 (step 24) in 7:59; run folder r');
});

test('no best is named when the last validation is the highest', () => {
  const rows = [validation(0, 0.3), validation(8, 0.8), validation(16, 0.9)];
  assert.doesNotMatch(heldOutLine(rows, 60_000, 'r'), /best/);
});

test('a run without a finished validation says so', () => {
  assert.equal(heldOutLine([trainStep(1)], 1_000, 'r'), 'no validation finished; run folder r');
});
