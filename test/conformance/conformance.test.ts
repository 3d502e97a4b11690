import { after, describe, it } from 'node:test';
import type { ClientCase } from '../support/conformance-case.ts';
import { assertClientRead, assertOneMergedSample, assertRecordsAreEngineExact } from '../support/conformance-checks.ts';
import { withOfflineTiktoken } from '../support/offline-tiktoken.ts';
import { CHUNKINGS, MODES, openRollout, withConformanceFixtures, type Chunking, type Fixture, type Mode } from '../support/conformance-fixture.ts';
import { AI_SDK_ANTHROPIC_CASES } from './ai-sdk-anthropic-cases.ts';
import { AI_SDK_CASES } from './ai-sdk-cases.ts';
import { ANTHROPIC_SDK_CASES } from './anthropic-sdk-cases.ts';
import { CURL_CASES } from './curl-cases.ts';
import { LANGCHAIN_CASES } from './langchain-cases.ts';
import { OPENAI_RESPONSES_CASES } from './openai-responses-cases.ts';
import { OPENAI_SDK_CASES } from './openai-sdk-cases.ts';
import { PYTHON_CASES } from './python-cases.ts';

/**
 * Real clients against the proxy, used the way their docs show, in a table: clients × modes
 * (token, chat) × engine chunking (1 and 3 tokens per streamed chunk; unary cases once per mode).
 * Each case checks what the client read, that every recorded call holds the engine's ids, and that
 * a token-mode tool loop is one merged sample. The suite's title carries its case count and a
 * closing line tallies the results, so CI logs show both (grep "conformance:").
 */

type TableRow = { title: string; clientCase: ClientCase; mode: Mode; chunkTokens: Chunking };

const CLIENT_CASES: ClientCase[] = [
  ...OPENAI_SDK_CASES,
  ...LANGCHAIN_CASES,
  ...AI_SDK_CASES,
  ...PYTHON_CASES,
  ...CURL_CASES,
  // Other API dialects, translated at the edge: Anthropic Messages and OpenAI Responses.
  ...ANTHROPIC_SDK_CASES,
  ...OPENAI_RESPONSES_CASES,
  ...AI_SDK_ANTHROPIC_CASES,
];

function expand(cases: readonly ClientCase[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const mode of MODES) {
    for (const clientCase of cases) {
      const chunkings = clientCase.streaming ? CHUNKINGS : CHUNKINGS.slice(0, 1);
      for (const chunkTokens of chunkings) {
        const engine = clientCase.streaming ? `${chunkTokens} token${chunkTokens === 1 ? '' : 's'}/chunk` : 'unary';
        rows.push({ title: `${clientCase.client} ${clientCase.name} · ${mode} mode · ${engine}`, clientCase, mode, chunkTokens });
      }
    }
  }
  return rows;
}

const ROWS = expand(CLIENT_CASES);
const clients = new Set(CLIENT_CASES.map((c) => c.client)).size;
/** Cases started and not (yet) passed: a failure, or a case cut off by its timeout. */
const notPassed = new Set<string>();
let passed = 0;

describe(`conformance: ${ROWS.length} cases (${clients} clients × token|chat mode × 1|3 tokens/chunk for streams)`, () => {
  const fixture = withConformanceFixtures();
  withOfflineTiktoken();

  for (const row of ROWS) {
    it(row.title, { timeout: 15_000 }, async () => {
      notPassed.add(row.title);
      await runRow(row, fixture(row.mode, row.chunkTokens));
      notPassed.delete(row.title);
      passed++;
    });
  }

  after(() => {
    const failed = notPassed.size === 0 ? '' : `; failed: ${[...notPassed].join(' | ')}`;
    process.stdout.write(`conformance: ${ROWS.length} cases, ${passed} passed, ${notPassed.size} failed${failed}\n`);
  });
});

/** The client's reading is checked first (its symptom is the clearest failure), then the records. */
async function runRow(row: TableRow, fixture: Fixture): Promise<void> {
  const { clientCase } = row;
  const context = await openRollout(fixture, row.title, clientCase.userSampling);
  const received = await clientCase.run(context);
  const scripted = clientCase.scenario.expected !== null;
  if (scripted) assertClientRead(received, clientCase);
  const check = await assertRecordsAreEngineExact(fixture, context.rolloutId, clientCase);
  if (!scripted) assertClientRead(received, clientCase, check);
  if (row.mode === 'token' && clientCase.scenario.calls > 1) await assertOneMergedSample(fixture, context.rolloutId, check.calls);
}
