#!/usr/bin/env bash
# Builds the example site under the subpath /policy/, and the hostile site of hostile/ (XSS
# payloads in every field, raw_html off), and runs the browser tests against them in Debian's
# Chromium: search (and search at 10,000 briefs, measured), XSS, and accessibility (axe-core on
# every kind of page, desktop and phone, light and dark), the error overlay of `watch`, the timeline (its filter, and timeline.json
# rendered by TimelineJS3 from npm), and print (briefs printed to PDF, read back with pdfinfo and
# pdftotext). Needs node, npm, /usr/bin/chromium and poppler-utils (apt-get install -y chromium poppler-utils).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
site="$(mktemp -d /tmp/briefing-browser.XXXXXX)"
trap 'rm -rf "$site"' EXIT
cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$root" \
  --output "$site/output" --base-url https://example.org/policy/ -q
# The hostile site warns about its unsafe URLs: those warnings are expected.
cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$here/hostile" \
  --output "$site/hostile" -q 2>/dev/null
# Search at 10,000 briefs (search-scale.test.mjs): a generated corpus, when the generator is
# beside the repository (../shared/bench/gen_corpus.py, as in CI); SEARCH_SCALE=0 skips it.
scale=""
generator="$root/../shared/bench/gen_corpus.py"
if [ "${SEARCH_SCALE:-1}" != 0 ] && [ -f "$generator" ]; then
  python3 "$generator" --briefs 10000 --out "$site/corpus" --flavor briefing >/dev/null
  cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$site/corpus" \
    --output "$site/scale" -q
  rm -rf "$site/corpus"
  scale="$site/scale"
fi
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || {
  echo "tests/browser/run.sh: the print test needs pdftotext and pdfinfo (apt-get install -y poppler-utils)" >&2
  exit 2
}
cd "$here"
[ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] && [ -d node_modules/@knight-lab/timelinejs ] ||
  npm ci --no-audit --no-fund --silent
SITE_DIR="$site/output" HOSTILE_DIR="$site/hostile" BRIEFING="$root/target/release/briefing" SCALE_DIR="$scale" \
  node --test --test-concurrency=1 search.test.mjs search-scale.test.mjs xss.test.mjs a11y.test.mjs overlay.test.mjs languages.test.mjs \
  timeline.test.mjs print.test.mjs
