<?xml version="1.0" encoding="utf-8"?>
<!-- briefing: how a browser shows an Atom feed of the site (linked from every feed by an
     xml-stylesheet instruction). Feed readers ignore it. Everything shown is read from the feed. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>
<xsl:template match="/atom:feed">
<html lang="{@xml:lang}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/>
<title><xsl:value-of select="atom:title"/> · Atom feed</title>
<style>
:root { --bg: #fbfaf7; --fg: #1d1f23; --muted: #5a5f69; --rule: #dcd8cf; --accent: #0b4f8a; --panel: #f1eee7; }
@media (prefers-color-scheme: dark) { :root { --bg: #15171b; --fg: #e7e5e0; --muted: #a3a8b1; --rule: #353a42; --accent: #8cc4ff; --panel: #1e2127; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", sans-serif; word-break: keep-all; overflow-wrap: anywhere; }
main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
h1 { font: 700 1.9rem/1.25 "Iowan Old Style", Charter, "Source Serif Pro", "Noto Serif", "Noto Serif KR", Georgia, serif; margin: 0.25rem 0 0.5rem; }
.kicker { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); margin: 0; }
.about { background: var(--panel); border-radius: 4px; padding: 0.9rem 1rem; margin: 1.25rem 0 2rem; }
.about p { margin: 0 0 0.5rem; }
.about p:last-child { margin: 0; }
code { display: block; font: 0.9rem/1.4 ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; background: var(--bg); border: 1px solid var(--rule); border-radius: 4px; padding: 0.4rem 0.6rem; word-break: break-all; user-select: all; }
ol { list-style: none; padding: 0; margin: 0; }
li { padding: 0.9rem 0; border-bottom: 1px solid var(--rule); }
h2 { font-size: 1.2rem; margin: 0 0 0.2rem; line-height: 1.3; }
h2.list-heading { font-size: 0.85rem; font-weight: 600; margin-bottom: 0.25rem; }
h2 a { color: var(--fg); text-decoration: none; }
h2 a:hover { color: var(--accent); text-decoration: underline; }
.meta { color: var(--muted); font-size: 0.9rem; margin: 0; }
.summary { margin: 0.35rem 0 0; }
</style>
</head>
<body>
<main>
<p class="kicker">Atom feed</p>
<h1><xsl:value-of select="atom:title"/></h1>
<xsl:if test="atom:subtitle"><p><xsl:value-of select="atom:subtitle"/></p></xsl:if>
<section class="about" aria-label="How to subscribe">
<p><strong>This is a web feed.</strong> To be told of new briefs, copy its address into a feed reader (such as NetNewsWire, Feedly, Inoreader or Thunderbird):</p>
<p><code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
<p>Or read on the site: <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>.</p>
</section>
<h2 class="kicker list-heading">Latest briefs</h2>
<ol>
<xsl:for-each select="atom:entry">
<li>
<h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
<p class="meta"><xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/></p>
<xsl:if test="atom:summary"><p class="summary"><xsl:value-of select="atom:summary"/></p></xsl:if>
</li>
</xsl:for-each>
</ol>
</main>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
