#!/usr/bin/env bash
# One turn of the math agent over plain curl: what any HTTP client sends through rollcall.
# Usage: OPENAI_BASE_URL=… OPENAI_API_KEY=… [OPENAI_MODEL=…] ./curl-chat.sh "question" [--stream]
# (a rollout's base URL and key, from POST /admin/rollouts or a workflow's environment)
set -euo pipefail
question="${1:?usage: $0 \"question\" [--stream]}"
stream=false
[[ "${2:-}" == "--stream" ]] && stream=true
: "${OPENAI_BASE_URL:?set OPENAI_BASE_URL to the rollout base URL}"
: "${OPENAI_API_KEY:?set OPENAI_API_KEY to the rollout key}"
model="${OPENAI_MODEL:-default}"
# JSON-escape the question without jq: only \ and " and newlines need care here.
escaped=$(printf '%s' "$question" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk 'BEGIN{ORS="\\n"} {print}' | sed 's/\\n$//')
curl -sS -N --fail-with-body "$OPENAI_BASE_URL/chat/completions" \
  -H "authorization: Bearer $OPENAI_API_KEY" \
  -H 'content-type: application/json' \
  -d @- <<JSON
{"model": "$model", "stream": $stream,
 "messages": [
   {"role": "system", "content": "You are a careful math assistant. You may call execute_python_code; use print(). Give the final answer in \\\\boxed{}."},
   {"role": "user", "content": "$escaped"}],
 "tools": [{"type": "function", "function": {"name": "execute_python_code",
   "description": "Run Python 3 code and return its output",
   "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}}}]}
JSON
echo
