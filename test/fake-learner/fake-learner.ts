import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A learner double speaking the worker's HTTP contract (`src/wire/learner.ts`) exactly: it validates every
 * sample as the real worker does, "trains" by counting, bumps the policy version, writes and
 * reads checkpoints as files, and writes serving weights (`POST /weights`) as a folder holding
 * `fake-weights.json` with their policy version.
 */
export type FakeLearner = {
  url: string;
  steps: { samples: unknown[]; hyper: unknown }[];
  /** Folders written by `POST /weights`, in order. */
  weights: string[];
  version: number;
  close(): Promise<void>;
};

/** `lora`: what `/weights` reports, as the worker does for `--lora-rank > 0`. */
export type FakeLearnerOptions = { lora?: boolean };

function problem(sample: Record<string, unknown>, i: number): string | null {
  const { tokens, promptLength, lossMask, logprobs, advantages } = sample as Record<string, number[] & number>;
  if (!Array.isArray(tokens) || !Array.isArray(lossMask) || !Array.isArray(logprobs) || !Array.isArray(advantages)) return `samples[${i}]: missing arrays`;
  if (![lossMask, logprobs, advantages].every((a) => a.length === tokens.length)) return `samples[${i}]: array lengths differ`;
  if (typeof promptLength !== 'number' || promptLength < 0 || promptLength > tokens.length) return `samples[${i}]: bad promptLength`;
  if (lossMask.some((m: number) => m !== 0 && m !== 1)) return `samples[${i}]: loss mask not 0/1`;
  if (lossMask.every((m: number) => m === 0)) return `samples[${i}]: nothing to train`;
  if (advantages.some((a: number, k: number) => lossMask[k] === 0 && a !== 0)) return `samples[${i}]: advantage on a masked token`;
  return samplingProblem(sample.sampling, i);
}

/** The worker's check of a sample's `sampling` (train_request.py): absent fields mean 1, 1, off. */
function samplingProblem(sampling: unknown, i: number): string | null {
  if (sampling === undefined || sampling === null) return null;
  if (typeof sampling !== 'object' || Array.isArray(sampling)) return `samples[${i}]: sampling must be an object`;
  const { temperature, topP, topK } = sampling as Record<string, unknown>;
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (temperature !== undefined && temperature !== null && !(isNumber(temperature) && temperature >= 0)) return `samples[${i}]: sampling.temperature must be a number ≥ 0`;
  if (topP !== undefined && topP !== null && !(isNumber(topP) && topP > 0 && topP <= 1)) return `samples[${i}]: sampling.topP must be in (0, 1]`;
  if (topK !== undefined && topK !== null && !(isNumber(topK) && Number.isInteger(topK))) return `samples[${i}]: sampling.topK must be an integer`;
  return null;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

export async function startFakeLearner(options: FakeLearnerOptions = {}): Promise<FakeLearner> {
  const state: FakeLearner = { url: '', steps: [], weights: [], version: 0, close: async () => {} };
  const send = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok' });
      const body = await readJson(req);
      if (req.url === '/train/step') {
        const samples = (body.samples ?? []) as Record<string, unknown>[];
        const bad = samples.map(problem).find((p) => p !== null);
        if (bad) return send(res, 400, { error: { message: bad } });
        state.steps.push({ samples, hyper: body.hyper });
        state.version += 1;
        const tokens = samples.reduce((n, s) => n + (s.lossMask as number[]).filter((m) => m === 1).length, 0);
        return send(res, 200, { metrics: { 'learner/loss': 0.5 / state.version, 'learner/trained_tokens': tokens }, policyVersion: state.version });
      }
      if (req.url === '/checkpoint') {
        mkdirSync(String(body.path), { recursive: true });
        writeFileSync(join(String(body.path), 'fake-learner.json'), JSON.stringify({ version: state.version }));
        return send(res, 200, { path: body.path });
      }
      if (req.url === '/weights') {
        if (typeof body.path !== 'string' || body.path === '') return send(res, 400, { error: { message: '`path` must be a non-empty string', param: 'path' } });
        mkdirSync(body.path, { recursive: true });
        writeFileSync(join(body.path, 'fake-weights.json'), JSON.stringify({ policyVersion: state.version }));
        state.weights.push(body.path);
        return send(res, 200, { path: body.path, policyVersion: state.version, lora: options.lora ?? false });
      }
      if (req.url === '/restore') {
        state.version = (JSON.parse(readFileSync(join(String(body.path), 'fake-learner.json'), 'utf8')) as { version: number }).version;
        return send(res, 200, { policyVersion: state.version });
      }
      send(res, 404, { error: { message: 'not found' } });
    })().catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
