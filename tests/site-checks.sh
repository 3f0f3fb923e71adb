#!/usr/bin/env bash
# Builds the example site for a subpath and checks it with independent tools
# (../shared/check/validate-site --strict: W3C HTML validator, linkcheck.py, LinkChecker crawling
# the site served by nginx under /policy/, feedparser and xmllint on feeds, the sitemap XSD), and
# its JSON-LD and terms.json with extruct (tests/structured-data.py), its timeline.ics with the
# icalendar package (tests/ics_check.py, which also builds two small sites), its reports printed
# to PDF by Chromium and read back with poppler and pypdf (tests/pdf_check.py); then a small English and
# Korean site (tests/fixtures/bilingual): every page's hreflang alternates reciprocal and
# resolving (tests/hreflang.py), its sitemap valid with its xhtml:link alternates.
# Install the tools first: ../shared/check/install-tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
check="${CHECK_DIR:-$root/../shared/check}"
site="$(mktemp -d /tmp/briefing-site-checks.XXXXXX)"
trap 'rm -rf "$site"' EXIT
# With `--pdf`: the reports' PDFs (printed by Chromium) beside their pages, linked from them.
cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$root" \
  --output "$site/output" --base-url https://example.org/policy/ -q --pdf
test -s "$site/output/reports/opcon/opcon.pdf"
# The example has Korean versions: its sitemap carries xhtml:link alternates, which the
# protocol's schema admits only with the XHTML link element declared (tests/sitemap/).
schemas="$site/schemas"
mkdir -p "$schemas"
cp "$root"/tests/sitemap/*.xsd "$check/sitemap-0.9.xsd" "$schemas/"
SITEMAP_XSD="$schemas/sitemap-alternates.xsd" "$check/validate-site" --strict --server nginx \
  --base-url https://example.org/policy/ "$site/output"
python3 -c "import extruct, bibtexparser, rispy, icalendar, pypdf" 2>/dev/null ||
  python3 -m pip install -q extruct "bibtexparser>=2.0.0b7" rispy icalendar pypdf 2>/dev/null ||
  python3 -m pip install -q --break-system-packages extruct "bibtexparser>=2.0.0b7" rispy icalendar pypdf
python3 "$root/tests/structured-data.py" "$site/output" https://example.org/policy/
# The timeline's calendar, read by the icalendar package: the example's, and two small sites'
# built by tests/ics_check.py with planned events of a month, a day and a range, titles in Korean.
python3 "$root/tests/ics_check.py" "$root/target/release/briefing" "$site/output"
# Reports as PDF (`briefing report`): chapter titles and Hangul in the text (pdftotext), every
# font embedded (pdffonts), the outline matching the contents and working links (pypdf); a brief
# printed alone: its measure and its sources' URLs.
python3 "$root/tests/pdf_check.py" "$root/target/release/briefing" "$root" opcon 한미연합사령부 \
  briefs/opcon-transfer-acceleration

# Languages: the bilingual fixture's versions, as search engines read them.
bilingual="$site/bilingual"
cargo run --release --quiet --manifest-path "$root/Cargo.toml" -- build --root "$root/tests/fixtures/bilingual" \
  --output "$bilingual" --base-url https://example.org/policy/ -q
python3 "$root/tests/hreflang.py" "$bilingual" https://example.org/policy/ --expect 4
python3 "$root/tests/hreflang.py" "$site/output" https://example.org/policy/ --expect 20
# The whole validator too (HTML, links, feeds), with the sitemap schema that admits xhtml:link.
SITEMAP_XSD="$schemas/sitemap-alternates.xsd" "$check/validate-site" --strict --server nginx \
  --base-url https://example.org/policy/ "$bilingual"
