import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ProgressDisplay,
  type ProgressDisplayOptions,
} from '../../../../trainer/metrics/progress-display.ts';
import { formatDuration } from '../../../../trainer/metrics/progress-format.ts';

/** A display writing into an array, with a clock the test moves by hand. */
function harness(options: Partial<ProgressDisplayOptions> & { isTTY: boolean }) {
  const writes: string[] = [];
  const clock = { ms: 0 };
  const display = new ProgressDisplay({
    stream: { write: (chunk: string) => writes.push(chunk) },
    totalSteps: 10,
    now: () => clock.ms,
    ...options,
  });
  return { writes, clock, display };
}

const CLEAR = '\x1b[K';

describe('ProgressDisplay on a terminal', () => {
  it('rewrites one line in place with \\r and clear-to-end-of-line', () => {
    const { writes, clock, display } = harness({ isTTY: true, ttyIntervalMs: 250 });
    display.beginStep(1, 4);
    clock.ms = 100;
    display.rolloutFinished(1, true); // within 250 ms of the last draw: not drawn
    clock.ms = 300;
    display.rolloutFinished(0, false);
    assert.deepEqual(writes, [
      `\rstep 1/10 | train rollouts 0/4 | reward - | success - | failed 0 | elapsed 0:00 | ETA -${CLEAR}`,
      // Half the step in 0.3 s → the whole run of 10 steps in 6 s, 5.7 s of it left.
      '\rstep 1/10 | train rollouts 2/4 | reward 0.500 | success 50.0% | failed 0 | elapsed 0:00' +
        ` | ETA 0:06${CLEAR}`,
    ]);
    assert.ok(writes.every((w) => !w.includes('\n')));
  });

  it('counts failures as done but leaves them out of reward and success', () => {
    const { writes, clock, display } = harness({ isTTY: true, ttyIntervalMs: 0 });
    display.beginStep(1, 4);
    display.rolloutFinished(0.75, true);
    display.rolloutFailed();
    clock.ms = 65_000;
    display.rolloutFinished(0.25, false);
    assert.match(
      writes.at(-1) ?? '',
      /rollouts 3\/4 \| reward 0\.500 \| success 50\.0% \| failed 1 \| elapsed 1:05 \|/,
    );
  });

  it('estimates the ETA from finished steps once one is done, counting only steps still to run', () => {
    const { display, clock } = harness({ isTTY: true, totalSteps: 100 });
    display.beginStep(51, 8); // a resumed run: 50 steps to go
    clock.ms = 60_000;
    display.endStep();
    display.beginStep(52, 8);
    clock.ms = 80_000;
    // 60 s per step, 49 steps left, 20 s of the current one spent: 49·60 − 20 = 2920 s.
    assert.match(display.line(), /step 52\/100 .* elapsed 1:20 \| ETA 48:40$/);
  });

  it('says whether it counts training or validation rollouts, and a validation is not a step of the ETA', () => {
    const { display, clock } = harness({ isTTY: true, totalSteps: 100 });
    display.beginStep(1, 8);
    assert.match(display.line(), /^step 1\/100 \| train rollouts 0\/8 \|/);
    clock.ms = 60_000;
    display.endStep();
    display.beginStep(1, 32, 'validation');
    assert.match(display.line(), /^step 1\/100 \| validation rollouts 0\/32 \|/);
    clock.ms = 600_000; // a long validation
    display.endStep();
    display.beginStep(2, 8);
    // One step finished; its 60 s and the 540 s validation after it make 600 s a step, 99 to run.
    assert.match(display.line(), /ETA 16:30:00$/);
  });

  it('shows a title instead of a step count for a run without steps (eval)', () => {
    const { display } = harness({ isTTY: false, title: 'eval' });
    display.beginStep(0, 6, 'validation');
    assert.match(display.line(), /^eval \| validation rollouts 0\/6 \| reward - /);
  });

  it('cuts the line to the terminal width so \\r can still rewrite it', () => {
    const { writes, display } = harness({ isTTY: true, columns: 40 });
    display.beginStep(1, 64);
    assert.equal(writes[0], `\r${'step 1/10 | train rollouts 0/64 | reward - | '.slice(0, 39)}${CLEAR}`);
  });

  it('clears the line for a log message and draws it again on the next refresh', () => {
    const { writes, display } = harness({ isTTY: true, ttyIntervalMs: 10_000 });
    display.beginStep(1, 2);
    display.clear();
    display.rolloutFinished(1, true); // drawn despite the interval: the line was erased
    assert.equal(writes[1], `\r${CLEAR}`);
    assert.match(writes[2] ?? '', /^\rstep 1\/10 \| train rollouts 1\/2/);
  });

  it('ends with the final status and a newline on stop', () => {
    const { writes, clock, display } = harness({ isTTY: true });
    display.beginStep(10, 1);
    display.rolloutFinished(1, true);
    clock.ms = 5000;
    display.endStep();
    display.stop();
    assert.match(writes.at(-2) ?? '', /^\rstep 10\/10 \| train rollouts 1\/1 .* ETA 0:00\x1b\[K$/);
    assert.equal(writes.at(-1), '\n');
  });

  it('redraws on its own timer so elapsed time moves between rollouts', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { writes, clock, display } = harness({ isTTY: true, ttyIntervalMs: 1000 });
    display.beginStep(1, 4);
    display.start();
    clock.ms = 61_000;
    t.mock.timers.tick(1000);
    display.stop();
    assert.match(writes[1] ?? '', /elapsed 1:01/);
    t.mock.timers.tick(5000); // stopped: no further draws
    assert.equal(writes.length, 4);
  });
});

describe('ProgressDisplay on a plain stream', () => {
  it('prints whole lines, at most one per interval, and a last one on stop', () => {
    const { writes, clock, display } = harness({ isTTY: false, plainIntervalMs: 30_000 });
    display.beginStep(1, 2);
    clock.ms = 10_000;
    display.rolloutFinished(1, true);
    clock.ms = 29_999;
    display.refresh();
    clock.ms = 30_000;
    display.rolloutFinished(0, false);
    clock.ms = 31_000;
    display.endStep();
    display.stop();
    assert.deepEqual(writes, [
      'step 1/10 | train rollouts 0/2 | reward - | success - | failed 0 | elapsed 0:00 | ETA -\n',
      'step 1/10 | train rollouts 2/2 | reward 0.500 | success 50.0% | failed 0 | elapsed 0:30 | ETA 4:30\n',
      'step 1/10 | train rollouts 2/2 | reward 0.500 | success 50.0% | failed 0 | elapsed 0:31 | ETA 4:39\n',
    ]);
    assert.ok(writes.every((w) => !w.includes('\r') && !w.includes('\x1b')));
  });

  it('refuses a run without steps', () => {
    assert.throws(() => harness({ isTTY: false, totalSteps: 0 }), RangeError);
  });
});

describe('formatDuration', () => {
  it('shows m:ss under an hour and h:mm:ss from there on', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(59_499), '0:59');
    assert.equal(formatDuration(59_500), '1:00');
    assert.equal(formatDuration(3_599_000), '59:59');
    assert.equal(formatDuration(3_600_000), '1:00:00');
    assert.equal(formatDuration(90_061_000), '25:01:01');
    assert.equal(formatDuration(-5), '0:00');
  });
});
