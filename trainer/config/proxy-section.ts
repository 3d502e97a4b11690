import { z } from 'zod';
import { ProxyConfigSchema } from '../../src/config/proxy-config.ts';
import type { ConfigProblem } from './publish-config.ts';

/**
 * The trainer's `proxy` section: the keys of `rollcall serve` for the proxy the trainer embeds
 * (the default), or the proxies it uses instead — one already running at `proxy.url`, or
 * several at `proxy.urls`, each with a database of its own (one per node or per core), over
 * which the trainer spreads its rollouts.
 */

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of a running proxy, such as http://10.0.0.2:8787' });

export const ProxySectionSchema = ProxyConfigSchema.extend({
  port: z.number().int().min(0).max(65535).default(0).describe('0 picks a free port'),
  dbPath: z.string().optional().describe('Default: trajectories.db in the run folder'),
  url: z.url().optional().describe('Use a proxy already running at this URL instead of an embedded one (needs adminToken or ROLLCALL_ADMIN_TOKEN)'),
  urls: z
    .array(httpUrl)
    .min(1, 'list at least one proxy (or leave proxy.urls out for the embedded one)')
    .optional()
    .describe('Use these proxies, already running, each with its own database: the trainer spreads every step\'s rollouts over them, reads each rollout from the proxy that recorded it, and pauses and resumes all of them around a learner step. They share one admin token (adminToken or ROLLCALL_ADMIN_TOKEN). Instead of url'),
});

export type ProxySection = z.infer<typeof ProxySectionSchema>;

/** A proxy's root URL as the admin API wants it: no trailing slash, no `/v1`. */
const rootOf = (url: string): string => url.replace(/\/+$/, '').replace(/\/v1$/, '');

/** The proxies the trainer does not start itself (`proxy.urls`, or `proxy.url`), as root URLs; empty for the embedded one. */
export function externalProxyUrls(section: { url?: string | undefined; urls?: readonly string[] | undefined }): string[] {
  return (section.urls ?? (section.url === undefined ? [] : [section.url])).map(rootOf);
}

/** `proxy.urls` that cannot work: given with `proxy.url`, or one proxy listed twice (its rollouts would be counted as two proxies' load). */
export function proxyProblems(section: ProxySection): ConfigProblem[] {
  if (section.urls === undefined) return [];
  if (section.url !== undefined) return [{ path: ['proxy', 'urls'], message: 'give proxy.url (one proxy) or proxy.urls (several), not both' }];
  const roots = externalProxyUrls(section);
  return roots.flatMap((root, i) => (roots.indexOf(root) < i ? [{ path: ['proxy', 'urls', i], message: `${section.urls?.[i]} is listed twice (as proxy.urls[${roots.indexOf(root)}])` }] : []));
}
