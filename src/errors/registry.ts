/**
 * The one registry of rollcall's error codes. A code is `RC_ERR_<AREA>_<DETAIL>`, has an HTTP
 * status, an OpenAI error `type`, a message template and whether a retry can help.
 * A retired code is never reused: mark it `retired: true` instead of deleting it.
 */
export type ErrorSpec = {
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly retired?: boolean;
};

const spec = (status: number, type: string, message: string, retryable = false): ErrorSpec => ({
  status,
  type,
  message,
  retryable,
});

export const ERROR_CODES = {
  RC_ERR_AUTH_MISSING_KEY: spec(401, 'authentication_error', 'No API key: send it as "Authorization: Bearer <key>", an api-key/x-api-key header, or in the path /r/<key>/v1'),
  RC_ERR_AUTH_INVALID_KEY: spec(401, 'authentication_error', 'The API key is not a known rollout key'),
  RC_ERR_AUTH_KEY_REVOKED: spec(401, 'authentication_error', 'The rollout {rolloutId} is {status}; its key was revoked'),
  RC_ERR_AUTH_ADMIN_REQUIRED: spec(403, 'permission_error', 'This route needs the admin token; a rollout key is not accepted here'),
  RC_ERR_AUTH_ADMIN_INVALID: spec(401, 'authentication_error', 'Missing or wrong admin token'),
  RC_ERR_REQUEST_INVALID_JSON: spec(400, 'invalid_request_error', 'The request body is not valid JSON: {detail}'),
  RC_ERR_REQUEST_VALIDATION: spec(400, 'invalid_request_error', 'Invalid request at {path}: {detail}'),
  RC_ERR_REQUEST_BODY_TOO_LARGE: spec(413, 'invalid_request_error', 'The request body is larger than the configured limit of {limitBytes} bytes'),
  RC_ERR_REQUEST_NOT_FOUND: spec(404, 'not_found_error', 'No route {method} {url}'),
  RC_ERR_ROLLOUT_NOT_FOUND: spec(404, 'not_found_error', 'No rollout {rolloutId}'),
  RC_ERR_ROLLOUT_NOT_OPEN: spec(409, 'invalid_request_error', 'The rollout {rolloutId} is already {status}'),
  RC_ERR_ROLLOUT_CALL_LIMIT: spec(403, 'rollout_limit_error', 'The rollout {rolloutId} reached its limit of {limit} calls'),
  RC_ERR_ROLLOUT_TOKEN_LIMIT: spec(403, 'rollout_limit_error', 'The rollout {rolloutId} used {used} of its {limit} total tokens'),
  RC_ERR_ROLLOUT_EXPIRED: spec(401, 'authentication_error', 'The rollout {rolloutId} expired after its time to live of {ttlMs} ms; its key was revoked'),
  RC_ERR_POLICY_PAUSED: spec(429, 'rate_limit_error', 'The policy is paused for a weight update; retry after {retryAfterS} s', true),
  RC_ERR_POLICY_NOT_PAUSED: spec(409, 'invalid_request_error', 'The policy is not paused'),
  RC_ERR_POLICY_DRAIN_TIMEOUT: spec(504, 'timeout_error', '{inFlight} calls were still in flight after {timeoutMs} ms; the policy stays paused', true),
  RC_ERR_DIALECT_UNSUPPORTED_CONTENT: spec(400, 'invalid_request_error', 'Unsupported content at {path}: {kind} is not supported; rollcall trains text-only models, so send text'),
  RC_ERR_DIALECT_SERVER_TOOL: spec(400, 'invalid_request_error', 'Unsupported tool at {path}: "{kind}" is a provider-defined tool (run server-side, or without a schema the model could read), which rollcall cannot serve; declare it as a function tool with its schema and run it in the agent'),
  RC_ERR_DIALECT_UNSUPPORTED_FIELD: spec(400, 'invalid_request_error', 'Unsupported request at {path}: {detail}'),
  RC_ERR_DIALECT_PREVIOUS_RESPONSE: spec(400, 'invalid_request_error', 'Previous response {responseId} not found: {detail}'),
  RC_ERR_DIALECT_COUNT_UNSUPPORTED: spec(400, 'invalid_request_error', 'This engine cannot count prompt tokens in {mode} mode: {detail}'),
  RC_ERR_ENGINE_CAPABILITY: spec(502, 'upstream_error', 'The engine at {origin} ({version}) cannot serve this configuration: {need}'),
  RC_ERR_ENGINE_MODE_UNSUPPORTED: spec(400, 'invalid_request_error', 'The {engine} engine has no {mode} mode'),
  RC_ERR_ENGINE_NOT_READY: spec(503, 'service_unavailable_error', 'The engine "{engine}" is not ready yet: {missing}; retry after {retryAfterS} s', true),
  RC_ERR_UPSTREAM_CONNECT: spec(502, 'upstream_error', 'Could not connect to the engine at {origin}: {detail}', true),
  RC_ERR_UPSTREAM_TIMEOUT: spec(504, 'upstream_error', 'The engine at {origin} did not answer within {timeoutMs} ms', true),
  RC_ERR_UPSTREAM_RESET: spec(502, 'upstream_error', 'The engine at {origin} closed the connection: {detail}', true),
  RC_ERR_UPSTREAM_REJECTED: spec(400, 'invalid_request_error', 'The engine rejected the request: {detail}'),
  RC_ERR_UPSTREAM_SERVER_ERROR: spec(502, 'upstream_error', 'The engine failed with status {engineStatus}: {detail}', true),
  RC_ERR_UPSTREAM_STREAM_BROKEN: spec(502, 'upstream_error', 'The engine stream broke after it started: {detail}', true),
  RC_ERR_UPSTREAM_BAD_RESPONSE: spec(502, 'upstream_error', 'The engine sent a response rollcall cannot read: {detail}'),
  RC_ERR_RENDER_TEMPLATE: spec(400, 'invalid_request_error', 'Rendering the chat template locally from {modelDir} failed: {detail}'),
  RC_ERR_JUDGE_NO_REFERENCE: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_LLM_NO_MODEL: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_LLM_UNAVAILABLE: spec(502, 'judge_error', '{detail}', true),
  RC_ERR_JUDGE_LLM_REJECTED: spec(502, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_LLM_BAD_RESPONSE: spec(502, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_MODULE_SPEC: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_MODULE_NOT_FOUND: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_MODULE_LOAD: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_EXPORT_MISSING: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_EXPORT_NOT_FUNCTION: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_EXPORT_SIGNATURE: spec(400, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_BAD_RESULT: spec(500, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_SERVICE_FAILED: spec(502, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_SERVICE_TIMEOUT: spec(504, 'judge_error', '{detail}'),
  RC_ERR_JUDGE_SERVICE_UNREACHABLE: spec(502, 'judge_error', '{detail}', true),
  RC_ERR_TASKS_NOT_FOUND: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_BAD_JSON: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_BAD_ROW: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_DUPLICATE_ID: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_SPLIT_NOT_FOUND: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_UNREADABLE: spec(400, 'task_error', '{detail}'),
  RC_ERR_TASKS_EMPTY: spec(400, 'task_error', '{detail}'),
  RC_ERR_ENV_UNREACHABLE: spec(502, 'env_error', '{detail}', true),
  RC_ERR_ENV_TIMEOUT: spec(504, 'env_error', '{detail}', true),
  RC_ERR_ENV_FAILED: spec(502, 'env_error', '{detail}'),
  RC_ERR_ENV_BAD_RESPONSE: spec(502, 'env_error', '{detail}'),
  RC_ERR_METRICS_RECORD_CORRUPT: spec(500, 'metrics_error', '{detail}'),
  RC_ERR_METRICS_RECORD_TRUNCATED: spec(500, 'metrics_error', '{detail}'),
  RC_ERR_METRICS_PROTO_MALFORMED: spec(500, 'metrics_error', '{detail}'),
  RC_ERR_METRICS_CLOSED: spec(500, 'metrics_error', '{detail}'),
  RC_ERR_METRICS_IO: spec(500, 'metrics_error', '{detail}', true),
  RC_ERR_PUBLISH_REJECTED: spec(502, 'publish_error', '{detail}'),
  RC_ERR_PUBLISH_UNREACHABLE: spec(502, 'publish_error', '{detail}', true),
  RC_ERR_PUBLISH_WEIGHTS_KIND: spec(400, 'publish_error', '{detail}'),
  RC_ERR_DATA_NOT_FOUND: spec(404, 'data_error', 'No dataset {repo} at revision {revision} on {endpoint}'),
  RC_ERR_DATA_UNAUTHORIZED: spec(401, 'data_error', '{endpoint} refused access to {repo} (HTTP {hubStatus}){tokenNote}'),
  RC_ERR_DATA_UNREACHABLE: spec(502, 'data_error', 'Could not reach {url}: {detail}', true),
  RC_ERR_DATA_BAD_RESPONSE: spec(502, 'data_error', '{url} answered {detail}'),
  RC_ERR_DATA_NO_FILES: spec(404, 'data_error', '{repo} at revision {revision} has no parquet files, and the hub has no parquet conversion of it'),
  RC_ERR_DATA_CORRUPT: spec(502, 'data_error', '{file}: {detail}; the partial download was removed', true),
  RC_ERR_PYTHON_SERVICE_START: spec(500, 'python_error', '{detail}'),
  RC_ERR_SERVER_INTERNAL: spec(500, 'internal_error', 'Internal error: {detail}', true),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
