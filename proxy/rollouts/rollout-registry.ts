import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { RolloutRecord } from '../../src/store/records.ts';
import type { Store } from '../../src/store/store.ts';
import type { CreateRolloutBody, FailRolloutBody, FinishRolloutBody, RolloutLimits, SamplingPolicy } from '../../src/wire/admin.ts';
import { generateRolloutKey, hashKey, sameHash } from '../auth/rollout-keys.ts';
import { ConversationIndex } from '../conversation/conversation-index.ts';
import { indexFromCalls } from '../conversation/remember-turns.ts';
import { reserveTokens, type BudgetAsk, type BudgetTicket } from './call-budget.ts';
import { newRolloutId } from './rollout-ids.ts';

/** In-memory state of an open rollout; the database row stays the source of truth. */
export type OpenRollout = {
  record: RolloutRecord;
  keyHash: Buffer;
  nextSeq: number;
  callsAdmitted: number;
  tokensUsed: number;
  /** Tokens held by this rollout's calls in flight (call-budget.ts). */
  tokensReserved: number;
  /** Answered calls by message history, to link a call to the one it continues. */
  conversation: ConversationIndex;
};

const expiredError = (record: RolloutRecord) => new RollcallError('RC_ERR_ROLLOUT_EXPIRED', { rolloutId: record.id, ttlMs: record.limits.ttlMs });

/** What admission grants one call: its sequence number and its share of the token budget. */
export type Admission = { seq: number; budget: BudgetTicket };

export type RolloutDefaults = { limits: RolloutLimits; sampling: SamplingPolicy };

/**
 * Keys, limits and lifecycle of rollouts. Limits are enforced at admission, before the engine
 * is called: a rollout over its call or token budget gets a 4xx, never a shortened history.
 */
export class RolloutRegistry {
  private readonly open = new Map<string, OpenRollout>();
  private readonly hashById = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly defaults: RolloutDefaults,
    private readonly auxiliaryEngines: readonly string[],
    private readonly now: () => number = Date.now,
  ) {}

  create(body: CreateRolloutBody): { record: RolloutRecord; apiKey: string } {
    const engine = body.engine ?? 'policy';
    if (engine !== 'policy' && !this.auxiliaryEngines.includes(engine)) {
      throw new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: 'engine', detail: `no engine named "${engine}"; configured: policy${this.auxiliaryEngines.map((e) => `, ${e}`).join('')}` }, { param: 'engine' });
    }
    const createdAt = this.now();
    const limits = { ...this.defaults.limits, ...body.limits };
    const record: RolloutRecord = {
      id: newRolloutId(createdAt),
      taskId: body.taskId ?? null,
      groupId: body.groupId ?? null,
      attempt: body.attempt ?? 0,
      tag: body.tag ?? null,
      // Auxiliary models are never trained: their calls are kept for the record only.
      trainable: engine === 'policy' && (body.trainable ?? true),
      engine,
      status: 'open',
      limits,
      sampling: { ...this.defaults.sampling, ...body.sampling },
      metadata: body.metadata ?? {},
      reward: null,
      isSuccess: null,
      createdAt,
      expiresAt: limits.ttlMs === undefined ? null : createdAt + limits.ttlMs,
      endedAt: null,
    };
    const apiKey = generateRolloutKey();
    const keyHash = hashKey(apiKey);
    this.store.rollouts.insert(record, keyHash);
    this.remember({ record, keyHash, nextSeq: 1, callsAdmitted: 0, tokensUsed: 0, tokensReserved: 0, conversation: new ConversationIndex() });
    return { record, apiKey };
  }

  /** The open rollout a key belongs to, or a 401 naming why the key is not accepted. */
  authenticate(apiKey: string | undefined): OpenRollout {
    if (apiKey === undefined || apiKey === '') throw new RollcallError('RC_ERR_AUTH_MISSING_KEY');
    const keyHash = hashKey(apiKey);
    const rollout = this.open.get(keyHash.toString('hex')) ?? this.loadOpen(keyHash);
    if (!sameHash(rollout.keyHash, keyHash)) throw new RollcallError('RC_ERR_AUTH_INVALID_KEY');
    const { expiresAt } = rollout.record;
    if (expiresAt !== null && this.now() >= expiresAt) {
      this.close(rollout.record.id, { status: 'expired' });
      throw expiredError(rollout.record);
    }
    return rollout;
  }

  /** A rollout opened before a restart is rebuilt from its row and its recorded calls. */
  private loadOpen(keyHash: Buffer): OpenRollout {
    const record = this.store.rollouts.getByKeyHash(keyHash);
    if (record === undefined) throw new RollcallError('RC_ERR_AUTH_INVALID_KEY');
    // An expired rollout answers the same whether a call or the sweeper noticed it first.
    if (record.status === 'expired') throw expiredError(record);
    if (record.status !== 'open') {
      throw new RollcallError('RC_ERR_AUTH_KEY_REVOKED', { rolloutId: record.id, status: record.status });
    }
    const calls = this.store.calls.listForRollout(record.id);
    const rollout: OpenRollout = {
      record,
      keyHash,
      nextSeq: this.store.calls.maxSeq(record.id) + 1,
      callsAdmitted: calls.length,
      tokensUsed: calls.reduce((sum, call) => sum + (call.usage?.totalTokens ?? 0), 0),
      tokensReserved: 0,
      conversation: indexFromCalls(calls),
    };
    this.remember(rollout);
    return rollout;
  }

  private remember(rollout: OpenRollout): void {
    const hash = rollout.keyHash.toString('hex');
    this.open.set(hash, rollout);
    this.hashById.set(rollout.record.id, hash);
  }

  /** Admits one call against the call limit and reserves its tokens; settle the budget when the call ends. */
  admit(rollout: OpenRollout, ask: BudgetAsk): Admission {
    const { limits, id } = rollout.record;
    if (limits.maxCalls !== undefined && rollout.callsAdmitted >= limits.maxCalls) {
      throw new RollcallError('RC_ERR_ROLLOUT_CALL_LIMIT', { rolloutId: id, limit: limits.maxCalls });
    }
    const budget = reserveTokens(rollout, ask);
    rollout.callsAdmitted += 1;
    const seq = rollout.nextSeq;
    rollout.nextSeq += 1;
    return { seq, budget };
  }

  get(id: string): RolloutRecord {
    const record = this.store.rollouts.get(id);
    if (record === undefined) throw new RollcallError('RC_ERR_ROLLOUT_NOT_FOUND', { rolloutId: id });
    return record;
  }

  fail(id: string, body: FailRolloutBody): RolloutRecord {
    return this.close(id, { status: 'failed', metadata: { ...body.metadata, failure: body.reason } });
  }

  finish(id: string, body: FinishRolloutBody): RolloutRecord {
    return this.close(id, { status: 'finished', reward: body.reward, isSuccess: body.isSuccess, metadata: body.metadata });
  }

  cancel(id: string): RolloutRecord {
    return this.close(id, { status: 'cancelled' });
  }

  /** Closes and revokes; a rollout that is not open answers 409 and stays as it was. */
  private close(
    id: string,
    change: { status: 'finished' | 'cancelled' | 'expired' | 'failed'; reward?: number | undefined; isSuccess?: boolean | undefined; metadata?: Record<string, unknown> | undefined },
  ): RolloutRecord {
    const record = this.get(id);
    const closed = this.store.rollouts.close(id, { ...change, endedAt: this.now() }, record.metadata);
    if (!closed) throw new RollcallError('RC_ERR_ROLLOUT_NOT_OPEN', { rolloutId: id, status: record.status });
    const hash = this.hashById.get(id);
    if (hash !== undefined) {
      this.open.delete(hash);
      this.hashById.delete(id);
    }
    return this.get(id);
  }

  /** Marks every open rollout past its time to live as expired; returns how many. */
  expireDue(): number {
    const expired = this.store.rollouts.listExpired(this.now());
    for (const record of expired) this.close(record.id, { status: 'expired' });
    return expired.length;
  }

  countOpen(): number {
    return this.store.rollouts.countOpen();
  }
}
