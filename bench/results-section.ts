/**
 * bench/RESULTS.md holds the proxy bench's report and, after it, sections other benches own,
 * each between `<!-- section:NAME -->` and `<!-- /section:NAME -->`. A bench replaces its own
 * section and leaves the rest alone, so running one bench never erases another's figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const open = (name: string) => `<!-- section:${name} -->`;
const close = (name: string) => `<!-- /section:${name} -->`;
const SECTION = /<!-- section:([a-z-]+) -->[\s\S]*?<!-- \/section:\1 -->\n?/g;

/** The owned sections of a results file, as they are, to carry over a rewrite. */
export function ownedSections(file: string): string {
  if (!existsSync(file)) return '';
  return [...readFileSync(file, 'utf8').matchAll(SECTION)].map((match) => match[0]).join('');
}

/** Writes `markdown` as the section `name` of `file`: in place of the old one, or appended. */
export function writeSection(file: string, name: string, markdown: string): void {
  const block = `${open(name)}\n${markdown.trimEnd()}\n${close(name)}\n`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const pattern = new RegExp(`${open(name)}[\\s\\S]*?${close(name)}\\n?`);
  writeFileSync(file, pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}`);
}
