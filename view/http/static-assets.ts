import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The page's files (`view/web/`): plain HTML, CSS and ES modules that ship in the package and
 * are served as they are, from memory, so the view works offline and needs no build step. They
 * are read once, when the view is built.
 */

export type Asset = { body: Buffer; type: string; etag: string };

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** `view/web/` from the sources (tsx) or from `dist/view/http/` (compiled). */
export function webRoot(): string {
  const candidates = ['../web/', '../../../view/web/'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined) throw new Error(`the log view's page files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
}

/** Every servable file under `root`, by its path relative to it ('js/app.js'). */
export function loadAssets(root = webRoot()): Map<string, Asset> {
  const files: string[] = [];
  walk(root, files);
  const assets = new Map<string, Asset>();
  for (const file of files) {
    const type = TYPES[extname(file)];
    if (type === undefined) continue;
    const body = readFileSync(file);
    assets.set(relative(root, file).split(sep).join('/'), { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return assets;
}
