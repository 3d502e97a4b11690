import { hasCode, RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CreateRolloutBody, CreatedRollout } from '../../src/wire/admin.ts';
import type { PolicyStatus } from '../../src/wire/policy.ts';
import { AdminClient } from './admin-client.ts';

/**
 * The proxies a run records through: the embedded proxy or `proxy.url` (one), or `proxy.urls`,
 * each with a database of its own.
 *
 * Policy:
 * - Placement: a new rollout goes to the proxy that is in with the fewest rollouts in flight
 *   (ties: the first listed). Everything about a rollout afterwards — its agent's and judge's
 *   calls, its record, its samples, its closing — goes to the proxy that created it, the only
 *   database that holds it. The attempts of one task may land on different proxies: a sample is
 *   built from its own rollout's calls alone and the trainer computes group advantages from the
 *   rewards it holds, so no group needs one database, and placing each rollout keeps the proxies
 *   balanced even when a step has fewer tasks than proxies.
 * - A proxy that cannot be reached (connection refused or broken) is out, as the proxy takes an
 *   engine replica that fails its health check out of rotation: its rollouts in flight fail
 *   (infrastructure failures, within `rollout.maxFailureRate`), a rollout being created fails
 *   over to another proxy, and new ones go to the others. It is in again once `sync`, at the
 *   start of a later step or validation, finds it answering and brings it to the run's policy
 *   version (a restarted proxy starts at version 0: it is paused and resumed at the run's first);
 *   when every proxy is out, one that answers at the run's version is in again at once. So no
 *   proxy records a call under a version other than the one the engines serve.
 * - Weight updates: `pause` and `resume` act on every proxy that is in, and each must answer
 *   with exactly the version asked. A proxy that answers with an error fails the update with
 *   RC_ERR_PROXY_POLICY_SYNC (the run stops; no proxy is left paused); one that cannot be
 *   reached is out, as above.
 */

type Member = { client: AdminClient; inFlight: number; isIn: boolean; paused: boolean };

const isUnreachable = (error: unknown): boolean => hasCode(error, ['RC_ERR_PROXY_UNREACHABLE']);
const text = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const syncError = (action: string, member: Member, error: unknown): RollcallError =>
  new RollcallError('RC_ERR_PROXY_POLICY_SYNC', { action, url: member.client.rootUrl, detail: text(error) }, { cause: error });

export class ProxyPool {
  private readonly members: Member[];
  /** The policy version every proxy that is in records for new calls; set by `moveTo` and `resume`. */
  private servedVersion = 0;

  constructor(urls: readonly string[], adminToken: string, private readonly log: (line: string) => void) {
    this.members = urls.map((url) => {
      const member: Member = { client: new AdminClient(url, adminToken, (error) => this.takeOut(member, error.message)), inFlight: 0, isIn: true, paused: false };
      return member;
    });
  }

  get urls(): string[] {
    return this.members.map((m) => m.client.rootUrl);
  }

  get version(): number {
    return this.servedVersion;
  }

  private takeOut(member: Member, reason: string): void {
    if (!member.isIn) return;
    member.isIn = false;
    this.log(`proxy ${member.client.rootUrl} is out (${reason}): its rollouts in flight fail, new ones go to the other proxies until it answers at the start of a step`);
  }

  /** Creates a rollout on the proxy that is in with the fewest rollouts in flight, failing over while one cannot be reached; `release` it when the rollout is done. */
  async createRollout(body: CreateRolloutBody): Promise<{ proxy: AdminClient; created: CreatedRollout }> {
    const readmitted = new Set<Member>();
    for (;;) {
      const member = this.members.filter((m) => m.isIn).reduce<Member | undefined>((best, m) => (best === undefined || m.inFlight < best.inFlight ? m : best), undefined) ?? (await this.readmit(readmitted));
      if (member === undefined) throw new RollcallError('RC_ERR_PROXY_UNREACHABLE', { url: this.urls.join(' or '), detail: 'every proxy is out after a call to it failed, and none answers at the run\'s policy version now (run.log says why)' });
      member.inFlight += 1;
      try {
        return { proxy: member.client, created: await member.client.createRollout(body) };
      } catch (error) {
        member.inFlight -= 1;
        // The client took the proxy out: the next one is tried.
        if (!isUnreachable(error)) throw error;
      }
    }
  }

  /**
   * With every proxy out, the first that answers at the run's policy version, not paused, is in
   * again at once (each once per rollout), so one refused connection does not fail every later
   * rollout of a run with a single proxy. One at another version waits for `sync`.
   */
  private async readmit(tried: Set<Member>): Promise<Member | undefined> {
    for (const member of this.members.filter((m) => !tried.has(m))) {
      tried.add(member);
      const status = await this.statusOf(member);
      if (status === null || status.paused || status.version !== this.servedVersion) continue;
      member.isIn = true;
      this.log(`proxy ${member.client.rootUrl} is in again, at policy version ${status.version}`);
      return member;
    }
    return undefined;
  }

  release(proxy: AdminClient): void {
    const member = this.members.find((m) => m.client === proxy);
    if (member !== undefined) member.inFlight -= 1;
  }

  private async statusOf(member: Member): Promise<PolicyStatus | null> {
    try {
      return await member.client.policyStatus();
    } catch (error) {
      // An unreachable proxy was taken out by its client, with the reason in run.log.
      if (isUnreachable(error)) return null;
      throw syncError('read', member, error);
    }
  }

  /** The newest policy version among the proxies that answer, at the start of a run. */
  async newestVersion(): Promise<number> {
    const statuses = (await Promise.all(this.members.map((m) => this.statusOf(m)))).filter((s) => s !== null);
    if (statuses.length === 0) throw new RollcallError('RC_ERR_PROXY_UNREACHABLE', { url: this.urls.join(' or '), detail: 'no proxy answered GET /admin/policy at the start of the run' });
    return Math.max(...statuses.map((s) => s.version));
  }

  /**
   * Brings every proxy that answers to policy `version` and in: those at another version (or
   * paused) are paused while `update` runs — the engines get that version's weights — then
   * resumed at it. A proxy that does not answer stays out.
   */
  async moveTo(version: number, update: () => Promise<void>): Promise<void> {
    const statuses = await Promise.all(this.members.map((m) => this.statusOf(m)));
    const answering = this.members.filter((_, i) => statuses[i] !== null);
    const moving = this.members.filter((_, i) => {
      const status = statuses[i];
      return status != null && (status.version !== version || status.paused);
    });
    await this.pause(moving);
    try {
      await update();
    } finally {
      await this.resume(version);
    }
    for (const member of answering.filter((m) => !m.isIn)) {
      member.isIn = true;
      this.log(`proxy ${member.client.rootUrl} is in again, at policy version ${version}`);
    }
  }

  /** Before a step's or a validation's rollouts: every proxy that answers is in, at the run's policy version. */
  sync(): Promise<void> {
    return this.moveTo(this.servedVersion, async () => undefined);
  }

  /**
   * Pauses the proxies (default: every one that is in): new calls wait, calls in flight drain.
   * If one answers with an error, every proxy asked is put back as it was — resumed at the version
   * it has, the one whose calls did not drain too (it stays paused otherwise) — and the error is
   * thrown.
   */
  async pause(members = this.members.filter((m) => m.isIn)): Promise<void> {
    const results = await Promise.allSettled(
      members.map(async (m) => {
        m.paused = true;
        await m.client.pausePolicy();
      }),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' && !isUnreachable(r.reason) ? [syncError('pause', members[i]!, r.reason)] : []));
    if (failed.length === 0) return;
    await Promise.allSettled(members.map((m) => this.putBack(m)));
    throw failed[0];
  }

  private async putBack(member: Member): Promise<void> {
    member.paused = false;
    const status = await member.client.policyStatus();
    if (status.paused) await member.client.resumePolicy({ version: status.version });
  }

  /** Resumes every paused proxy at exactly `version`; all are tried, then the first that answered otherwise is thrown. */
  async resume(version: number): Promise<void> {
    const paused = this.members.filter((m) => m.paused);
    const results = await Promise.allSettled(paused.map((m) => this.resumeOne(m, version)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' && !isUnreachable(r.reason) ? [syncError('resume', paused[i]!, r.reason)] : []));
    if (failed.length > 0) throw failed[0];
    this.servedVersion = version;
  }

  private async resumeOne(member: Member, version: number): Promise<void> {
    // Not paused any more whatever the answer: one that cannot be reached is out, and synced when it is back.
    member.paused = false;
    const status = await member.client.resumePolicy({ version });
    if (status.version !== version) throw new Error(`it resumed at version ${status.version}, not ${version}: its version was ahead of the run's (is another run using it?)`);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.client.close()));
  }
}
