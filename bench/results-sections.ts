/**
 * bench/RESULTS.md holds several benches' results: the proxy bench writes the whole document,
 * other benches own a marked section of it. Each bench replaces only its own section, and the
 * proxy bench carries the marked sections over when it rewrites the rest.
 */
import { existsSync, readFileSync } from 'node:fs';

const SECTION = /<!-- bench:([\w-]+):start -->[\s\S]*?<!-- bench:\1:end -->\n?/g;

const marked = (name: string, body: string): string => `<!-- bench:${name}:start -->\n${body.trimEnd()}\n<!-- bench:${name}:end -->\n`;

/** `document` with the section `name` replaced by `body`, or appended when it has none. */
export function replaceSection(document: string, name: string, body: string): string {
  const pattern = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*?<!-- bench:${name}:end -->\\n?`);
  if (pattern.test(document)) return document.replace(pattern, () => marked(name, body));
  return `${document.trimEnd()}\n\n${marked(name, body)}`;
}

/** `next` (a freshly written document) followed by the marked sections the file at `file` had. */
export function keepSections(file: string, next: string): string {
  if (!existsSync(file)) return next;
  const sections = readFileSync(file, 'utf8').match(SECTION) ?? [];
  return sections.length === 0 ? next : `${next.trimEnd()}\n\n${sections.join('\n')}`;
}
