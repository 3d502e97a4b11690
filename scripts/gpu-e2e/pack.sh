#!/usr/bin/env bash
# Packs what the GPU machine needs to run rollcall (it has Python + torch but no Node and no
# network) into .pack/ (git-ignored; it travels with a device run as a `carry` path):
#   node.xz          this machine's Node binary (glibc-only dependencies), xz-compressed
#   rollcall.tar.xz  dist/, bin/, the log view's page, the Python worker, scripts and the production dependencies
#                    the proxy, trainer and the compiled math agent load (no tsx, LangChain,
#                    tiktoken or TypeScript: the bundle runs compiled .js workflows)
# The device side is scripts/gpu-e2e/run-on-gpu.sh (or run-quickstart-on-gpu.sh). Keep the total under 64 MiB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pack="$root/.pack"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
rm -rf "$pack" && mkdir -p "$pack"
cd "$root"
npm run build >/dev/null
cp -r dist bin package.json package-lock.json "$stage/"
mkdir -p "$stage/trainer" "$stage/scripts" "$stage/examples" "$stage/view"
cp -r view/web "$stage/view/"
cp -r trainer/worker "$stage/trainer/"
cp -r scripts/small-policy scripts/gpu-e2e "$stage/scripts/"
cp -r examples/math-agent examples/quickstart "$stage/examples/"
# Production dependencies from the lockfile, reusing this machine's compiled better-sqlite3.
(cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
cp -r node_modules/better-sqlite3/build "$stage/node_modules/better-sqlite3/"
for unused in @langchain langsmith js-tiktoken tiktoken tsx esbuild @esbuild typescript; do
  rm -rf "$stage/node_modules/$unused"
done
find "$stage" -name '*.map' -delete -o -name '*.d.ts' -delete
rm -rf "$stage/node_modules/better-sqlite3/deps" "$stage/node_modules/better-sqlite3/src" "$stage/node_modules/apache-arrow/src"
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > "$pack/node.xz"
tar -C "$stage" -cf - . | xz -T0 -6 > "$pack/rollcall.tar.xz"
du -b "$pack"/* | awk '{ total += $1; printf "%-40s %6.1f MiB\n", $2, $1 / 1048576 } END { printf "total %38.1f MiB\n", total / 1048576 }'
