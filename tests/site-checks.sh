#!/usr/bin/env bash
# Builds the example site for a subpath and checks it with independent tools
# (../shared/check/validate-site --strict: W3C HTML validator, linkcheck.py, LinkChecker crawling
# the site served by nginx under /policy/, feedparser and xmllint on feeds, the sitemap XSD), and
# its JSON-LD and terms.json with extruct (tests/structured-data.py).
# Install the tools first: ../shared/check/install-tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check="${CHECK_DIR:-$root/../shared/check}"
site="$(mktemp -d /tmp/briefing-site-checks.XXXXXX)"
trap 'rm -rf "$site"' EXIT
cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$root" \
  --output "$site/output" --base-url https://example.org/policy/ -q
"$check/validate-site" --strict --server nginx --base-url https://example.org/policy/ "$site/output"
python3 -c "import extruct, bibtexparser, rispy" 2>/dev/null ||
  python3 -m pip install -q extruct "bibtexparser>=2.0.0b7" rispy 2>/dev/null ||
  python3 -m pip install -q --break-system-packages extruct "bibtexparser>=2.0.0b7" rispy
python3 "$root/tests/structured-data.py" "$site/output" https://example.org/policy/
