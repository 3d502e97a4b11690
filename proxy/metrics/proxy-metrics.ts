/**
 * Prometheus metrics kept as plain counters and rendered to the text exposition format on
 * scrape: the hot path only increments numbers.
 */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class LabeledCounter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, { labels, value: by });
    else entry.value += by;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS_S.length).fill(0);
  private sum = 0;
  private count = 0;
  constructor(readonly name: string, readonly help: string) {}

  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) {
      if (seconds <= (LATENCY_BUCKETS_S[i] as number)) this.counts[i] = (this.counts[i] as number) + 1;
    }
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    LATENCY_BUCKETS_S.forEach((bound, i) => lines.push(`${this.name}_bucket{le="${bound}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export class ProxyMetrics {
  readonly calls = new LabeledCounter('rollcall_calls_total', 'Chat calls by outcome');
  readonly tokens = new LabeledCounter('rollcall_tokens_total', 'Tokens recorded, by kind');
  readonly upstreamErrors = new LabeledCounter('rollcall_upstream_errors_total', 'Engine failures by kind');
  readonly untrainable = new LabeledCounter('rollcall_untrainable_calls_total', 'Completed calls recorded as not trainable');
  readonly replicaCalls = new LabeledCounter('rollcall_replica_calls_total', 'Chat calls by replica and outcome');
  readonly replicaTransitions = new LabeledCounter('rollcall_replica_health_changes_total', 'Replicas taken out of or brought back into rotation');
  readonly latency = new Histogram('rollcall_call_duration_seconds', 'Duration of chat calls through the proxy');

  constructor(
    private readonly gauges: {
      openRollouts: () => number;
      inFlight: () => number;
      policyVersion: () => number;
      replicas: () => { origin: string; healthy: boolean; pinned: number }[];
    },
  ) {}

  private renderReplicas(): string {
    const lines = ['# HELP rollcall_replica_healthy Whether a replica is in rotation', '# TYPE rollcall_replica_healthy gauge'];
    for (const r of this.gauges.replicas()) lines.push(`rollcall_replica_healthy${labelText({ replica: r.origin })} ${r.healthy ? 1 : 0}`);
    lines.push('# HELP rollcall_replica_pinned_rollouts Rollouts pinned to a replica so far', '# TYPE rollcall_replica_pinned_rollouts gauge');
    for (const r of this.gauges.replicas()) lines.push(`rollcall_replica_pinned_rollouts${labelText({ replica: r.origin })} ${r.pinned}`);
    return lines.join('\n');
  }

  render(): string {
    const gauge = (name: string, help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`;
    return [
      this.calls.render(),
      this.tokens.render(),
      this.upstreamErrors.render(),
      this.untrainable.render(),
      this.replicaCalls.render(),
      this.replicaTransitions.render(),
      this.latency.render(),
      gauge('rollcall_open_rollouts', 'Rollouts open now', this.gauges.openRollouts()),
      gauge('rollcall_calls_in_flight', 'Chat calls being served now', this.gauges.inFlight()),
      gauge('rollcall_policy_version', 'Policy version new calls are served by', this.gauges.policyVersion()),
      this.renderReplicas(),
    ].join('\n') + '\n';
  }
}
