import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, chatMessagesFor, SCENARIOS, USER_SAMPLING, type Reply } from '../support/conformance-scenarios.ts';

/**
 * Python clients as child processes (`/usr/bin/python3`, Debian's python3-requests and
 * python3-httpx, which `.ci/run` installs): the standard library's urllib, requests and httpx,
 * each unary and streaming, reading `choices[0]` (python/received.py). Each prints what it read.
 */

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const LIBRARIES = ['urllib', 'requests', 'httpx'] as const;

async function pythonClient(library: (typeof LIBRARIES)[number], c: ClientContext, stream: boolean): Promise<Reply[]> {
  const script = fileURLToPath(new URL(`python/${library}_client.py`, import.meta.url));
  const body = { model: c.model, messages: chatMessagesFor(SCENARIOS.textThenTool), tools: [CALC_TOOL], stream, ...USER_SAMPLING };
  const { stdout } = await run(PYTHON, [script, JSON.stringify(body)], {
    env: { ...process.env, OPENAI_BASE_URL: c.baseUrl, OPENAI_API_KEY: c.apiKey },
    timeout: 12_000,
  });
  return (JSON.parse(stdout) as { replies: Reply[] }).replies;
}

export const PYTHON_CASES: ClientCase[] = LIBRARIES.flatMap((library) =>
  [false, true].map((stream): ClientCase => ({
    client: `python-${library}`,
    name: stream ? 'stream choices[0] SSE lines' : 'unary',
    streaming: stream,
    scenario: SCENARIOS.textThenTool,
    userSampling: true,
    run: (c) => pythonClient(library, c, stream),
  })),
);
