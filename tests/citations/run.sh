#!/usr/bin/env bash
# Checks briefing's formatted citations and reference lists against citeproc-js, the reference CSL
# processor: builds fixture/ (every entry of library.json cited once, and each citation form) with
# the release binary, formats the same library and citations with citeproc-js and the very style
# and locale that briefing bundles (dumped by `cargo run --example csl_xml`), and compares them
# entry by entry (compare.py; accepted differences are in accepted.json, each with its reason).
# Needs cargo, node, npm and python3.
#
#   tests/citations/run.sh                  # build the fixture and compare
#   tests/citations/run.sh --html PAGE      # compare a given brief page instead (e.g. a mock)
#   tests/citations/run.sh --suggest        # also print accepted.json entries for new differences
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/briefing-citations.XXXXXX)"
trap 'rm -rf "$work"' EXIT

(cd "$here" && { [ -d node_modules/citeproc ] || npm ci --no-audit --no-fund --silent; })

# The style the fixture asks for (site.yaml's citation_style; briefing's default otherwise).
style="$(sed -n 's/^citation_style:[[:space:]]*\([A-Za-z0-9_-]*\).*/\1/p' "$here/fixture/site.yaml")"
style="${style:-chicago-author-date}"

html_mode=false
[[ " $* " == *" --html "* ]] && html_mode=true
$html_mode || cargo build --release --quiet --manifest-path "$root/Cargo.toml"
# The debug profile: `cargo test` has built it (and the example) already.
cargo run --quiet --manifest-path "$root/Cargo.toml" --example csl_xml -- \
  "$style" "$work/style.csl" "$work/locale-en-US.xml"

node "$here/citeproc.mjs" --library "$here/library.json" --style "$work/style.csl" \
  --locale "$work/locale-en-US.xml" --markdown "$here/fixture/content/briefs/all.md" > "$work/expected.json"

if $html_mode; then
  python3 "$here/compare.py" --expected "$work/expected.json" "$@"
else
  python3 "$here/compare.py" --expected "$work/expected.json" --binary "$root/target/release/briefing" "$@"
fi
