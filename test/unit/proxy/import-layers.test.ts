import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { importCycles, importGraph } from '../../support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const graph = importGraph(ROOT, 'proxy');

/**
 * proxy/'s folders from the top (composition) down to the engine's wire. A call reads in one
 * direction: route → dialect (translating a non-chat API at the edge) → pipeline → engine (readiness, the strategy) → strategy → drivers → upstream,
 * with the store reached through the pipeline's record stage. A folder imports its own files and
 * lower layers only.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['serve'],
  ['app.ts'],
  ['routes'],
  ['dialects'],
  ['pipeline'],
  ['engine'],
  ['strategies'],
  ['rollouts', 'policy', 'metrics', 'http', 'render'],
  ['auth', 'conversation', 'drivers'],
  ['capture', 'upstream'],
];

const unitOf = (path: string): string => path.split('/')[1] ?? path;
const layerOf = (path: string): number => LAYERS.findIndex((layer) => layer.includes(unitOf(path)));
const proxyEdges = [...graph].flatMap(([from, targets]) => targets.filter((to) => to.startsWith('proxy/')).map((to) => ({ from, to })));

test('the import graph is read from every file of proxy/', () => {
  assert.ok(graph.size > 50, `${graph.size} files`);
  assert.ok(proxyEdges.some((e) => e.from === 'proxy/pipeline/serve-chat-call.ts' && e.to === 'proxy/pipeline/sse-pump.ts'), 'a static import is read');
  assert.ok(proxyEdges.some((e) => e.from === 'proxy/routes/openai-routes.ts' && e.to === 'proxy/pipeline/serve-chat-call.ts'), 'an import across folders is read');
});

test('proxy/ has no import cycle', () => {
  assert.deepEqual(importCycles(graph), []);
});

test('every folder of proxy/ sits in one layer, and imports only its own and lower layers', () => {
  const unplaced = [...new Set([...graph.keys()].map(unitOf))].filter((unit) => layerOf(`proxy/${unit}`) === -1);
  assert.deepEqual(unplaced, [], 'a new folder needs its place in LAYERS');
  const upward = proxyEdges.filter((e) => unitOf(e.from) !== unitOf(e.to) && layerOf(e.to) <= layerOf(e.from));
  assert.deepEqual(upward.map((e) => `${e.from} → ${e.to}`), []);
});

test('the pipeline knows strategies only by their interface, and the two strategies never import each other', () => {
  const implementations = ['proxy/strategies/token-mode/', 'proxy/strategies/chat-passthrough/'];
  const intoImplementations = proxyEdges.filter((e) => e.from.startsWith('proxy/pipeline/') && implementations.some((dir) => e.to.startsWith(dir)));
  assert.deepEqual(intoImplementations, []);
  const across = proxyEdges.filter((e) => implementations.some((a) => e.from.startsWith(a) && implementations.some((b) => b !== a && e.to.startsWith(b))));
  assert.deepEqual(across, []);
});

test('proxy/ never imports trainer/ (they meet through SQLite and HTTP)', () => {
  const intoTrainer = [...graph].flatMap(([from, targets]) => targets.filter((to) => to.startsWith('trainer/')).map((to) => `${from} → ${to}`));
  assert.deepEqual(intoTrainer, []);
});
