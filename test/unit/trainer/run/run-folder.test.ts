import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { createRunFolder, writeResolvedConfig } from '../../../../trainer/run/run-folder.ts';

test('the written config leaves secrets out (so it still loads) and keeps the names of where secrets are', () => {
  const run = createRunFolder(mkdtempSync(join(tmpdir(), 'rollcall-runs-')), 'p', 'e');
  const config = {
    proxy: { adminToken: 'a-secret-admin-token', adminTokenFile: '/x/admin-token', auxiliaryEngines: { judge: { apiKeyEnv: 'OPENAI_API_KEY' } } },
    rollout: { limits: { maxTokensPerTurn: 1024 } },
    workflow: { env: { HF_TOKEN: 'hf_abc', MODE: 'fast' } },
  };
  writeResolvedConfig(run, config, '/conf/run.yaml');
  const text = readFileSync(run.configFile, 'utf8');
  assert.doesNotMatch(text, /a-secret-admin-token|hf_abc|redacted/);
  assert.match(text, /^# The resolved configuration of this run, from \/conf\/run\.yaml; paths are absolute\.$/m);
  assert.match(text, /^# Secrets left out: proxy\.adminToken, workflow\.env\.HF_TOKEN /m);
  assert.deepEqual(parse(text), {
    proxy: { adminTokenFile: '/x/admin-token', auxiliaryEngines: { judge: { apiKeyEnv: 'OPENAI_API_KEY' } } },
    rollout: { limits: { maxTokensPerTurn: 1024 } },
    workflow: { env: { MODE: 'fast' } },
  });
});
