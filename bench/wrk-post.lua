-- wrk script for the proxy bench: POSTs the body in BENCH_BODY_FILE to /v1/chat/completions,
-- cycling over the rollout keys in BENCH_KEYS_FILE (one per line) so each connection's requests
-- spread over many rollouts, as concurrent agents do. Every request is formatted once in init().
-- done() prints one machine-readable line: BENCH_JSON {...}.

local prepared = {}
local index = 0

local function read_all(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  local body = read_all(os.getenv("BENCH_BODY_FILE"))
  local keys = {}
  local keys_file = os.getenv("BENCH_KEYS_FILE")
  if keys_file ~= nil and keys_file ~= "" then
    for line in io.lines(keys_file) do
      if line ~= "" then keys[#keys + 1] = line end
    end
  end
  if #keys == 0 then keys[1] = "direct" end
  for i, key in ipairs(keys) do
    prepared[i] = wrk.format("POST", "/v1/chat/completions",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
  end
end

function request()
  index = index % #prepared + 1
  return prepared[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
