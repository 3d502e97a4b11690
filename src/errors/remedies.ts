import type { ErrorCode } from './registry.ts';

/**
 * What each error code means and what to do about it: the cause (what went wrong, in the terms
 * of the system) and the fix (the change that makes it go away). `docs/errors.md` prints both;
 * the CLI adds the fix to a failure it reports. Keyed by code and checked complete by the type:
 * a new code does not compile until it says how to fix it.
 */
export type Remedy = { readonly cause: string; readonly fix: string };

export const ERROR_REMEDIES = {
  RC_ERR_AUTH_MISSING_KEY: {
    cause: 'A call reached an OpenAI route without a rollout key.',
    fix: 'Give the agent the `apiKey` that `POST /admin/rollouts` returned (as the OpenAI client\'s `api_key`), or put it in the base URL: `/r/<key>/v1`.',
  },
  RC_ERR_AUTH_INVALID_KEY: {
    cause: 'The key is not one this proxy issued (a typo, a key from another proxy or database, or the admin token used as a rollout key).',
    fix: 'Create a rollout and use its `apiKey`; keys live in the proxy\'s database, so a proxy started on another `--db` does not know them.',
  },
  RC_ERR_AUTH_KEY_REVOKED: {
    cause: 'The rollout was finished, failed or cancelled; its key stopped working then.',
    fix: 'Create a new rollout for further calls; finish a rollout only after the agent\'s last call.',
  },
  RC_ERR_AUTH_ADMIN_REQUIRED: {
    cause: 'An admin route was called with a rollout key.',
    fix: 'Send the admin token (`.rollcall/admin-token`, `ROLLCALL_ADMIN_TOKEN`, or the file named by `--admin-token-file`) as `Authorization: Bearer`.',
  },
  RC_ERR_AUTH_ADMIN_INVALID: {
    cause: 'An admin route was called without the admin token, or with another one.',
    fix: 'Read the token the proxy printed at start (`admin token: …`) and send it as `Authorization: Bearer`; a restarted proxy keeps the token in its file unless `ROLLCALL_ADMIN_TOKEN` changed.',
  },
  RC_ERR_AUTH_VIEW_INVALID: {
    cause: 'The log view was opened without its token, or with an old one (each `rollcall view` or `train --with-logview` makes a new token).',
    fix: 'Open the full address `rollcall view` printed (it carries `?token=`); on the proxy, `/view` takes the admin token.',
  },
  RC_ERR_REQUEST_INVALID_JSON: {
    cause: 'The request body could not be parsed as JSON.',
    fix: 'Send `content-type: application/json` with a valid JSON body; with curl, quote the body in single quotes.',
  },
  RC_ERR_REQUEST_VALIDATION: {
    cause: 'A field of the request has the wrong type or value; `param` names it.',
    fix: 'Correct the field named in the message (the admin routes are listed in the README; chat requests follow OpenAI\'s schema).',
  },
  RC_ERR_REQUEST_BODY_TOO_LARGE: {
    cause: 'The request body is larger than `maxBodyBytes`.',
    fix: 'Send less (long histories usually carry repeated tool output), or raise `maxBodyBytes` in the proxy configuration.',
  },
  RC_ERR_REQUEST_NOT_FOUND: {
    cause: 'No route has this method and path.',
    fix: 'Use a base URL that ends in `/v1` for OpenAI clients (`http://host:8787/v1`); admin routes start at `/admin/`.',
  },
  RC_ERR_REQUEST_TOO_DEEP: {
    cause: 'The request body nests arrays and objects deeper than `maxJsonDepth`; deep nesting is refused before anything walks it.',
    fix: 'Flatten what the client sends (a tool schema or metadata nested dozens of levels deep), or raise `maxJsonDepth` in the proxy configuration.',
  },
  RC_ERR_REQUEST_TIMEOUT: {
    cause: 'The client sent the request headers or body too slowly: the body within `requestBodyTimeoutMs`, the headers within Node\'s 60 s.',
    fix: 'Look for a client or network that stalls mid-request (a content-length larger than the body sent); raise `requestBodyTimeoutMs` for very large bodies on slow links.',
  },
  RC_ERR_REQUEST_MALFORMED_HTTP: {
    cause: 'The bytes on the connection were not a valid HTTP/1.1 request (a bad request line, header, content-length or chunk).',
    fix: 'Use an HTTP/1.1 client library instead of hand-written requests; an HTTP/2-only client needs a proxy that speaks HTTP/1.1 to rollcall.',
  },
  RC_ERR_REQUEST_HEADERS_TOO_LARGE: {
    cause: 'The request headers are larger than Node\'s limit (16 KiB by default).',
    fix: 'Send fewer or smaller headers (a huge cookie or token); start Node with `--max-http-header-size` if they really are needed.',
  },
  RC_ERR_ROLLOUT_NOT_FOUND: {
    cause: 'No rollout with this id exists in the proxy\'s database.',
    fix: 'Use the `rolloutId` that `POST /admin/rollouts` returned, against the same proxy and database.',
  },
  RC_ERR_ROLLOUT_NOT_OPEN: {
    cause: 'The rollout was already finished, failed or cancelled; it can be closed only once.',
    fix: 'Close each rollout once; a second finish is a bug in the caller (often a retry after a timeout that had succeeded).',
  },
  RC_ERR_ROLLOUT_CALL_LIMIT: {
    cause: 'The rollout made as many calls as its `limits.maxCalls` allows.',
    fix: 'End the agent loop sooner, or raise `limits.maxCalls` when creating the rollout (`rollout.limits.maxCalls` in a trainer config).',
  },
  RC_ERR_ROLLOUT_TOKEN_LIMIT: {
    cause: 'What is left of the rollout\'s `limits.maxTotalTokens`, after the calls in flight reserved theirs, cannot give this call\'s prompt and one token to each of its `n` choices.',
    fix: 'Raise `limits.maxTotalTokens` when creating the rollout, keep the agent\'s history shorter, or ask for fewer choices at once.',
  },
  RC_ERR_ROLLOUT_EXPIRED: {
    cause: 'The rollout was open longer than its `limits.ttlMs`; its key was revoked.',
    fix: 'Raise `limits.ttlMs`, or find why the agent ran that long (a tool that hangs, an engine that queues).',
  },
  RC_ERR_POLICY_PAUSED: {
    cause: 'The trainer paused the policy for a weight update and the call waited longer than `policy.pauseMaxWaitMs`.',
    fix: 'Retry after the `Retry-After` seconds (OpenAI clients do this by themselves); a long update (large model, slow disk) may need a larger `policy.pauseMaxWaitMs`.',
  },
  RC_ERR_POLICY_NOT_PAUSED: {
    cause: '`POST /admin/policy/resume` was called while the policy was not paused.',
    fix: 'Pause before resuming; two trainers driving one proxy cause this, so give each its own proxy.',
  },
  RC_ERR_POLICY_DRAIN_TIMEOUT: {
    cause: 'Calls still in flight when a pause began did not end within the drain time-out; the policy stays paused.',
    fix: 'Retry the pause, or resume; raise `policy.drainTimeoutMs` when turns are long (large `maxTokensPerTurn` on a slow engine).',
  },
  RC_ERR_DIALECT_UNSUPPORTED_CONTENT: {
    cause: 'A Messages or Responses request carries content a text-only policy cannot read: an image, a document, a file or audio.',
    fix: 'Send text (describe the image, paste the document\'s text) or give the agent a tool that returns the content as text; the message names the block or part.',
  },
  RC_ERR_DIALECT_SERVER_TOOL: {
    cause: 'The request declares or replays a tool the API provider runs on its servers (web search, code execution, MCP servers) or one it defines without a schema (Anthropic\'s `bash`, `text_editor`, `computer`).',
    fix: 'Declare the tool as a function tool with a JSON schema (`input_schema`, `parameters`) and run it in the agent, as with chat completions.',
  },
  RC_ERR_DIALECT_UNSUPPORTED_FIELD: {
    cause: 'The request uses a feature that needs state kept by the API provider or a turn the proxy cannot give: an assistant prefill, `item_reference`, `conversation`, `prompt`, `background`, an unsupported `tool_choice` or text format.',
    fix: 'Send the items themselves (or continue with `previous_response_id`), end the messages with a user turn, and leave the field out; the message names it.',
  },
  RC_ERR_DIALECT_PREVIOUS_RESPONSE: {
    cause: '`previous_response_id` names no completed response of this rollout: a typo, a response of another rollout or proxy database, one that failed, or one created with `store: false`.',
    fix: 'Pass the `id` of a response this rollout\'s key got back, created without `store: false`; or send the earlier output items as input instead.',
  },
  RC_ERR_DIALECT_COUNT_UNSUPPORTED: {
    cause: '`POST /v1/messages/count_tokens` needs the engine to render the prompt before it is answered, which this engine cannot in chat pass-through (SGLang without `engine.tokenizerPath`, a text-only relay).',
    fix: 'Set `engine.tokenizerPath` to the model folder, use token mode, or count on the client side; messages themselves still work.',
  },
  RC_ERR_ENGINE_CAPABILITY: {
    cause: 'The engine answers, but cannot give what the configured mode needs (token ids, logprobs, token-id prompts), or it answered none of the probes (often a URL with a wrong path).',
    fix: 'Give the server root as the upstream (`http://host:8000`, not `…/v1`); run vLLM ≥ 0.10.2; or choose `--mode chat`. `rollcall doctor --upstream URL` shows which part is missing.',
  },
  RC_ERR_ENGINE_MODE_UNSUPPORTED: {
    cause: 'The engine kind has no driver for the requested mode (for example token mode on `openai`).',
    fix: 'Use `mode: auto`, or a mode the engine kind supports (README: Engines).',
  },
  RC_ERR_ENGINE_NOT_READY: {
    cause: 'No replica of the engine has passed a health check yet, so the proxy does not know what it serves (mode, context length); it never sends a request it would have to guess.',
    fix: 'Retry after `Retry-After` (SDKs do this by themselves); `GET /ready` says what is missing. If it stays, start the engine or fix `--upstream` (`rollcall doctor --upstream URL`).',
  },
  RC_ERR_UPSTREAM_CONNECT: {
    cause: 'Nothing accepted a connection at the engine\'s address (not started yet, a wrong host or port, or a firewall).',
    fix: 'Start the engine, or correct `--upstream` / `proxy.engine.upstreams` / `ROLLCALL_UPSTREAM`; `rollcall doctor --upstream URL` checks it.',
  },
  RC_ERR_UPSTREAM_TIMEOUT: {
    cause: 'The engine did not start answering (or went silent) within the configured time-out.',
    fix: 'Check the engine\'s load and logs; raise `proxy.engine.firstByteTimeoutMs` / `bodyTimeoutMs` for long generations, or lower `rollout.concurrency`.',
  },
  RC_ERR_UPSTREAM_RESET: {
    cause: 'The engine closed the connection before its answer was complete (a crash, a restart, an out-of-memory kill).',
    fix: 'Look at the engine\'s log; the call is recorded as failed and may be retried.',
  },
  RC_ERR_UPSTREAM_REJECTED: {
    cause: 'The engine refused the request with a 4xx status (an unknown model name, a prompt longer than its context, a parameter it does not accept).',
    fix: 'Read the engine\'s message in the error; use a model name from `GET /v1/models`, shorten the prompt or lower `max_tokens`.',
  },
  RC_ERR_UPSTREAM_SERVER_ERROR: {
    cause: 'The engine failed with a 5xx status.',
    fix: 'Look at the engine\'s log; a retry can help when the engine was overloaded.',
  },
  RC_ERR_UPSTREAM_STREAM_BROKEN: {
    cause: 'A streamed answer stopped before its end (an error event from the engine, or a connection closed mid-stream).',
    fix: 'Look at the engine\'s log; the call is recorded with status failed and never trained on.',
  },
  RC_ERR_UPSTREAM_BAD_RESPONSE: {
    cause: 'The engine answered with something rollcall cannot read (not JSON, or JSON without the fields its protocol has).',
    fix: 'Check that `--engine` names the engine that really runs at the URL, and that nothing (a proxy, a login page) sits in between.',
  },
  RC_ERR_UPSTREAM_RATE_LIMITED: {
    cause: 'The engine (or a gateway in front of it) answered 429: it is over its rate or queue limit.',
    fix: 'Retry after the `Retry-After` the error carries (SDKs do this by themselves), or lower the number of rollouts in flight.',
  },
  RC_ERR_UPSTREAM_ERROR_EVENT: {
    cause: 'The engine sent an error event in the middle of a stream it had started (vLLM does so for an engine failure during generation).',
    fix: 'Read the engine\'s log around the time of the call; the call is recorded failed and may be retried.',
  },
  RC_ERR_UPSTREAM_UNFINISHED: {
    cause: 'The engine ended a streamed answer with a choice that has no finish reason, or with `abort` (the request was aborted inside the engine: preempted, paused or shut down).',
    fix: 'Retry the call; if it keeps happening, look for engine restarts, pauses with `mode=abort`, or out-of-memory preemption in the engine\'s log.',
  },
  RC_ERR_RENDER_TEMPLATE: {
    cause: 'Rendering the chat template from the local model folder (`engine.tokenizerPath`) failed.',
    fix: 'Point `engine.tokenizerPath` at the model folder holding `tokenizer.json` and `tokenizer_config.json` (with its `chat_template`) of the model the engine serves.',
  },
  RC_ERR_JUDGE_SERVICE_FAILED: {
    cause: 'The judge function behind an HTTP judge (a `type: python` or `type: http` judge) raised or answered with an error; the message carries its traceback.',
    fix: 'Fix the judge function (the traceback is in `run.log`); run it on one task by hand with the same `task` and `response`.',
  },
  RC_ERR_JUDGE_SERVICE_TIMEOUT: {
    cause: 'The judge function did not answer within `judge.timeoutMs`; the message shows where it hung.',
    fix: 'Make the judge faster (an `async def` that awaits its I/O), or raise `judge.timeoutMs`.',
  },
  RC_ERR_JUDGE_SERVICE_UNREACHABLE: {
    cause: 'The judge service could not be reached (its process died, or `judge.url` is wrong).',
    fix: 'Check `judge.url`; for a `type: python` judge, `run.log` holds why the Python process stopped.',
  },
  RC_ERR_JUDGE_NO_REFERENCE: {
    cause: 'The math judge got a task without a reference answer.',
    fix: 'Map the dataset\'s answer column: `tasks.train.fields.answer` (GSM8K: `answer`).',
  },
  RC_ERR_JUDGE_LLM_NO_MODEL: {
    cause: 'The LLM judge names an auxiliary model that is not configured.',
    fix: 'Add it under `auxiliaryModels` and `proxy.auxiliaryEngines` with the name `judge.llm.auxiliaryModel` uses.',
  },
  RC_ERR_JUDGE_LLM_UNAVAILABLE: {
    cause: 'The judge model failed (network error, 429 or 5xx) on every try.',
    fix: 'Check the auxiliary engine\'s URL and load; raise `judge.llm.maxRetries` for a rate-limited API.',
  },
  RC_ERR_JUDGE_LLM_REJECTED: {
    cause: 'The judge model refused the request with a 4xx status (a wrong key or model name).',
    fix: 'Check the auxiliary engine\'s `apiKeyEnv` variable and the model name in `auxiliaryModels`.',
  },
  RC_ERR_JUDGE_LLM_BAD_RESPONSE: {
    cause: 'The judge model\'s answer is not an OpenAI chat completion with text content.',
    fix: 'Point the auxiliary engine at an OpenAI-compatible chat endpoint (its URL without `/chat/completions`).',
  },
  RC_ERR_JUDGE_MODULE_SPEC: {
    cause: '`judge.module` is not of the form `path/to/file.ts#exportName`.',
    fix: 'Write the file path, `#`, and the export\'s name (leave out `#…` for the default export).',
  },
  RC_ERR_JUDGE_MODULE_NOT_FOUND: {
    cause: 'No file exists at the judge module\'s path.',
    fix: 'Paths in the configuration are relative to the configuration file\'s folder; correct `judge.module`.',
  },
  RC_ERR_JUDGE_MODULE_LOAD: {
    cause: 'Importing the judge module threw (a syntax error, a missing import, TypeScript without a loader).',
    fix: 'Run the module on its own (`node --import tsx file.ts`) to see the error; `rollcall train` loads `.ts` files itself.',
  },
  RC_ERR_JUDGE_EXPORT_MISSING: {
    cause: 'The judge module has no export of the configured name.',
    fix: 'Export the judge under that name, or name one of the exports the message lists after `#`.',
  },
  RC_ERR_JUDGE_EXPORT_NOT_FUNCTION: {
    cause: 'The judge export is not a function.',
    fix: 'Export `async (task, output, context) => ({ reward, isSuccess, metrics })`.',
  },
  RC_ERR_JUDGE_EXPORT_SIGNATURE: {
    cause: 'The judge function takes more than three parameters.',
    fix: 'A judge takes `(task, output, context)`; move options into a closure.',
  },
  RC_ERR_JUDGE_BAD_RESULT: {
    cause: 'The judge returned something other than `{ reward: finite number, isSuccess: boolean, metrics: { name: finite number } }`.',
    fix: 'Fix the judge; a NaN or missing reward would poison the advantages of its whole group, so the rollout is failed instead.',
  },
  RC_ERR_TASKS_NOT_FOUND: {
    cause: 'The task file or dataset folder does not exist.',
    fix: 'Paths are relative to the configuration file\'s folder; download a dataset with `rollcall data get openai/gsm8k` and point `tasks.train.path` at the folder it prints.',
  },
  RC_ERR_TASKS_BAD_JSON: {
    cause: 'A line of the task file (or a JSON dataset file) is not valid JSON.',
    fix: 'Fix the line the message names; JSONL needs one complete JSON object per line.',
  },
  RC_ERR_TASKS_BAD_ROW: {
    cause: 'A row lacks a column the field mapping needs, or holds the wrong type.',
    fix: 'Map the dataset\'s column names in `tasks.train.fields` (`query`, `answer`, `id`, `metadata`).',
  },
  RC_ERR_TASKS_DUPLICATE_ID: {
    cause: 'Two rows have the same task id.',
    fix: 'Map `fields.id` to a unique column, or leave it out to use the row position.',
  },
  RC_ERR_TASKS_SPLIT_NOT_FOUND: {
    cause: 'The dataset folder has no files for the split (or config) asked for; the message lists those it has.',
    fix: 'Set `split` (and `config`, such as `main` for openai/gsm8k) to one the message lists.',
  },
  RC_ERR_TASKS_UNREADABLE: {
    cause: 'A dataset file exists but cannot be read (permissions, a truncated download, an unsupported encoding).',
    fix: 'Download it again (`rollcall data get` resumes and checks sizes) or fix its permissions.',
  },
  RC_ERR_TASKS_EMPTY: {
    cause: 'The task source holds no tasks.',
    fix: 'Point the reader at a non-empty file, split or environment.',
  },
  RC_ERR_ENV_UNREACHABLE: {
    cause: 'The environment service did not accept a connection.',
    fix: 'Start it, or correct `tasks.train.url`.',
  },
  RC_ERR_ENV_TIMEOUT: {
    cause: 'The environment service did not answer within `timeoutMs`.',
    fix: 'Raise the reader\'s `timeoutMs` for environments that are slow to set up, or lower `rollout.concurrency`.',
  },
  RC_ERR_ENV_FAILED: {
    cause: 'The environment service answered with an error status.',
    fix: 'Read the service\'s message and log; check `envType` and `split`.',
  },
  RC_ERR_ENV_BAD_RESPONSE: {
    cause: 'The environment service answered with JSON of the wrong shape.',
    fix: 'Check that the URL is an AgentJet-style environment service of a compatible version.',
  },
  RC_ERR_METRICS_RECORD_CORRUPT: {
    cause: 'A TensorBoard record failed its checksum (the event file was changed or damaged on disk).',
    fix: 'The run\'s `metrics.jsonl` holds the same figures; delete the damaged event file to let TensorBoard read the rest.',
  },
  RC_ERR_METRICS_RECORD_TRUNCATED: {
    cause: 'A TensorBoard event file ends in the middle of a record (the writer was killed, or is still writing).',
    fix: 'Read it again after the run ends; records before the cut are intact.',
  },
  RC_ERR_METRICS_PROTO_MALFORMED: {
    cause: 'A TensorBoard record holds bytes that are not a valid event.',
    fix: 'The file was not written by a TensorBoard writer; read `metrics.jsonl` instead.',
  },
  RC_ERR_METRICS_CLOSED: {
    cause: 'Metrics were written after the run\'s metric files were closed.',
    fix: 'A bug in the caller: write metrics before closing the run.',
  },
  RC_ERR_METRICS_IO: {
    cause: 'A metrics file could not be written (disk full, permissions, a removed run folder).',
    fix: 'Free disk space or fix permissions on the run folder (`runsDir`).',
  },
  RC_ERR_PUBLISH_REJECTED: {
    cause: 'An engine refused to load the new weights (weight updates not enabled, a name or folder it rejects).',
    fix: 'Follow the hint in the message: vLLM needs `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True` for LoRA or `VLLM_SERVER_DEV_MODE=1` for full reloads; the folder must be readable by the engine.',
  },
  RC_ERR_PUBLISH_UNREACHABLE: {
    cause: 'An engine to publish weights to did not answer.',
    fix: 'Check `learner.publish.engineUrls` (default: the proxy\'s upstreams) and that the engine is running.',
  },
  RC_ERR_PUBLISH_WEIGHTS_KIND: {
    cause: 'The worker saved full weights where the publish method loads a LoRA adapter, or the reverse.',
    fix: 'Make `learner.publish.method` match how the worker trains (LoRA or full fine-tune).',
  },
  RC_ERR_PROXY_UNREACHABLE: {
    cause: 'The trainer could not connect to one of its proxies (`proxy.url`, or an entry of `proxy.urls`), or the connection broke during a request: the proxy process stopped, crashed or was never started, or its address is wrong.',
    fix: 'Start or restart that proxy, or correct its URL. With several proxies the others take the new rollouts meanwhile: the rollouts in flight on the lost one fail as infrastructure failures (`rollouts/failures/proxy`, limited by `rollout.maxFailureRate`), and a restarted proxy rejoins at the next step at the run\'s policy version.',
  },
  RC_ERR_PROXY_POLICY_SYNC: {
    cause: 'A proxy answered a pause or resume of the policy around a learner step with an error (calls still in flight after the drain time-out, a wrong admin token, a version ahead of the run\'s), so the proxies would no longer record one policy version for the same weights.',
    fix: 'Read that proxy\'s answer in the message: raise its `policy.drainTimeoutMs` for long calls, give every proxy of `proxy.urls` the same admin token, and give each run proxies of its own (two runs on one proxy both move its version).',
  },
  RC_ERR_DATA_NOT_FOUND: {
    cause: 'The hub has no dataset of that name (or not at that revision), or it is private and no token was sent.',
    fix: 'Check the name as the hub page shows it (`openai/gsm8k`) and `--revision`; for a private dataset set HF_TOKEN.',
  },
  RC_ERR_DATA_UNAUTHORIZED: {
    cause: 'The dataset is gated or private, and the request had no token or one without access.',
    fix: 'Accept the dataset\'s terms on its hub page, create a read token and set HF_TOKEN to it.',
  },
  RC_ERR_DATA_UNREACHABLE: {
    cause: 'The hub (or its file storage) did not answer: no network, a proxy, or a mirror that is down.',
    fix: 'Check the network; set HF_ENDPOINT to a reachable mirror; run the same command again, it resumes where it stopped.',
  },
  RC_ERR_DATA_BAD_RESPONSE: {
    cause: 'The hub answered with something other than the listing or file that was asked for.',
    fix: 'Check HF_ENDPOINT: it must be the hub\'s root URL (https://huggingface.co or a mirror of its API).',
  },
  RC_ERR_DATA_NO_FILES: {
    cause: 'The dataset holds no parquet files and the hub has not converted it to parquet (a loading script, or a format the viewer cannot read).',
    fix: 'Download its files another way and point a `jsonl` or `huggingface` task reader at them.',
  },
  RC_ERR_DATA_CORRUPT: {
    cause: 'A downloaded file has the wrong size or checksum (a broken connection, a proxy that changed it).',
    fix: 'Run the same command again: the file is downloaded anew.',
  },
  RC_ERR_PYTHON_SERVICE_START: {
    cause: 'The Python process that serves `type: python` workflows and judges did not start or did not become ready (no Python, an import error in the module, a missing function).',
    fix: 'Set `workflow.python` or `ROLLCALL_PYTHON` to a Python 3.9+; check that `python -c "import your_module"` works from the config\'s folder; the message has its stderr.',
  },
  RC_ERR_VIEW_NOT_FOUND: {
    cause: 'The page asks for a run, step, rollout or sample that the run folder or its database does not hold (a stale link, or a run folder moved).',
    fix: 'Go back to the run page; check that `rollcall view` was given the run folder (or its parent) the link came from.',
  },
  RC_ERR_VIEW_PATH: {
    cause: 'The folder given to `rollcall view` is not a run folder nor a folder of runs, or cannot be read.',
    fix: 'Give a run folder (`runs/<project>/<experiment>-<time>/`, with `metrics.jsonl` or `trajectories.db`) or a folder that holds such folders.',
  },
  RC_ERR_VIEW_TOKENIZER: {
    cause: 'The `tokenizer.json` of the model folder the run used cannot be loaded, so tokens cannot be shown as text.',
    fix: 'Point the view at a model folder with a valid `tokenizer.json` (`rollcall view --tokenizer DIR`), or let it use the engine\'s `/detokenize`; ids are shown meanwhile.',
  },
  RC_ERR_SERVER_INTERNAL: {
    cause: 'Something failed that rollcall did not expect: a bug.',
    fix: 'Report it with the message and the proxy\'s log lines around it; the call is recorded as failed.',
  },
  RC_ERR_SERVER_SHUTTING_DOWN: {
    cause: 'The proxy received SIGTERM or SIGINT: it accepts no new requests, and calls still running when `shutdownGraceMs` ended were stopped (recorded aborted, reason "shutdown").',
    fix: 'Retry against the restarted proxy; give calls more time to finish with `shutdownGraceMs` (and Docker a longer stop timeout).',
  },
} as const satisfies Record<ErrorCode, Remedy>;

/** The remedy of a code, for messages and docs. */
export function remedyOf(code: ErrorCode): Remedy {
  return ERROR_REMEDIES[code];
}
