import type { ClientContext } from './conformance-fixture.ts';
import type { Reply, Scenario } from './conformance-scenarios.ts';

/** One row of the conformance table: a client used one way, against one scripted scenario. */
export type ClientCase = {
  /** The client, e.g. `openai-sdk`, `langchain`, `python-httpx`. */
  client: string;
  /** How it is used, e.g. `stream choices[0]`. */
  name: string;
  /** Streaming cases run against each engine chunking; unary ones once per mode. */
  streaming: boolean;
  scenario: Scenario;
  /** The client sends `temperature: 0.7, top_p: 0.9`, as users tune them. */
  userSampling: boolean;
  /** A finish reason in the client's own vocabulary (default: OpenAI's, unchanged). */
  finishName?: (reason: string) => string;
  /** Runs the client as its docs show and returns every reply it read, in order. */
  run(context: ClientContext): Promise<Reply[]>;
};
