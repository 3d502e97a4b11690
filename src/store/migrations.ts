/**
 * Numbered schema migrations. `PRAGMA user_version` holds how many have run; a migration is
 * never edited once released, only followed by a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE rollouts (
     id TEXT PRIMARY KEY,
     key_hash BLOB NOT NULL UNIQUE,
     task_id TEXT,
     group_id TEXT,
     attempt INTEGER NOT NULL DEFAULT 0,
     tag TEXT,
     trainable INTEGER NOT NULL DEFAULT 1,
     engine TEXT NOT NULL DEFAULT 'policy',
     status TEXT NOT NULL CHECK (status IN ('open','finished','cancelled','expired','failed')),
     limits_json TEXT NOT NULL,
     sampling_json TEXT NOT NULL,
     metadata_json TEXT NOT NULL,
     reward REAL,
     is_success INTEGER,
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     ended_at INTEGER
   ) STRICT;
   CREATE INDEX rollouts_created ON rollouts (created_at, id);
   CREATE INDEX rollouts_status ON rollouts (status, created_at);
   CREATE INDEX rollouts_task ON rollouts (task_id, created_at);
   CREATE INDEX rollouts_group ON rollouts (group_id, created_at);
   CREATE INDEX rollouts_expiry ON rollouts (expires_at) WHERE status = 'open';
   CREATE TABLE calls (
     id INTEGER PRIMARY KEY,
     rollout_id TEXT NOT NULL REFERENCES rollouts (id),
     seq INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('completed','failed','aborted')),
     trainable INTEGER NOT NULL,
     is_stream INTEGER NOT NULL,
     request_json TEXT NOT NULL,
     sent_json TEXT,
     response_json TEXT,
     prompt_ids BLOB,
     completion_ids BLOB,
     logprobs BLOB,
     choice_lengths_json TEXT NOT NULL DEFAULT '[]',
     finish_reason TEXT,
     usage_json TEXT,
     latency_ms REAL NOT NULL,
     ttft_ms REAL,
     engine TEXT NOT NULL,
     replica TEXT,
     policy_version INTEGER NOT NULL DEFAULT 0,
     error_json TEXT,
     untrainable_reason TEXT,
     mode TEXT NOT NULL DEFAULT 'chat' CHECK (mode IN ('chat','token')),
     extends_call_id INTEGER,
     extends_choice INTEGER,
     flags_json TEXT NOT NULL DEFAULT '{}',
     started_at INTEGER NOT NULL,
     ended_at INTEGER NOT NULL,
     UNIQUE (rollout_id, seq)
   ) STRICT;`,
  // 2: the API dialect a call came in (the request stays the client's own body), the chat
  // request it was translated into, and the answer id the client got (a Responses chain's
  // previous_response_id names it).
  `ALTER TABLE calls ADD COLUMN dialect TEXT NOT NULL DEFAULT 'openai-chat'
     CHECK (dialect IN ('openai-chat','anthropic-messages','openai-responses'));
   ALTER TABLE calls ADD COLUMN chat_request_json TEXT;
   ALTER TABLE calls ADD COLUMN answer_id TEXT;
   CREATE INDEX calls_answer ON calls (rollout_id, answer_id) WHERE answer_id IS NOT NULL;`,
];
