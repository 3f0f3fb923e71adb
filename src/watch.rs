//! `watch` is `build` with a memo: parsed files keyed by a hash of their content, and the
//! signature of every page, so a change re-reads only the files it touched and re-renders only
//! the pages that show something new. The invariant, tested: after any sequence of changes the
//! output folder equals a fresh `build` byte for byte.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::build::{self, BuildError, BuildOptions, Project, Stages};
use crate::diagnostics::Diagnostic;
use crate::discover::{self, Asset, Sources};
use crate::links;
use crate::output;
use crate::render::{Part, Pass};
use crate::site::{self, Parsed};

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuild {
    /// The changed source files, as shown to the user (`content/briefs/x.md`).
    pub changed: Vec<String>,
    pub pages_rendered: usize,
    pub files_written: usize,
    pub files_removed: usize,
    /// Warnings of the rebuild.
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Whether only stylesheets changed (the browser may refresh styles in place).
    pub css_only: bool,
    pub stages: Stages,
}

/// The memo kept between builds.
pub struct Session {
    pub project: Project,
    options: BuildOptions,
    /// Path under `content/` → (hash of its bytes, parsed file).
    parsed: BTreeMap<String, (u64, Parsed)>,
    /// Files that could not be read, with their error (so they stay reported until fixed).
    unreadable: BTreeMap<String, Diagnostic>,
    folders: Vec<String>,
    assets: Vec<Asset>,
    walk_diagnostics: Vec<Diagnostic>,
    signatures: HashMap<String, u64>,
    /// Output path → hash of the bytes last written there (generated files).
    written: HashMap<String, u64>,
    /// Output path → (size, modification time) of the source last copied there.
    copied: HashMap<String, (u64, Option<SystemTime>)>,
    theme_fingerprint: u64,
    /// Whether the output folder holds a complete build of this session.
    built: bool,
    links: crate::links::LinkMemo,
    /// The files of the extras part (search, graph, feeds, sitemap) as last written.
    extras: HashSet<String>,
    /// The site and link graph of the last build, and whether its extras are still to write.
    last: Option<(crate::site::Site, crate::links::LinkGraph)>,
    extras_due: bool,
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn copy_stamp(path: &Path) -> (u64, Option<SystemTime>) {
    fs::metadata(path).map(|m| (m.len(), m.modified().ok())).unwrap_or((0, None))
}

impl Session {
    /// Resolves the project and reads and parses every file; writes nothing yet.
    pub fn new(options: BuildOptions) -> Result<Session, BuildError> {
        let project = Project::resolve(&options).map_err(BuildError::Environment)?;
        project.check_output_dir().map_err(BuildError::Environment)?;
        let mut session = Session {
            theme_fingerprint: theme_fingerprint(&project),
            project,
            options,
            parsed: BTreeMap::new(),
            unreadable: BTreeMap::new(),
            folders: vec![],
            assets: vec![],
            walk_diagnostics: vec![],
            signatures: HashMap::new(),
            written: HashMap::new(),
            copied: HashMap::new(),
            built: false,
            links: Default::default(),
            extras: HashSet::new(),
            last: None,
            extras_due: false,
        };
        session.rewalk(&HashSet::new(), &mut Vec::new());
        Ok(session)
    }

    /// Renders every page and replaces the output folder (as `build` does), then remembers
    /// what it wrote.
    pub fn build_all(&mut self) -> Result<build::BuildReport, BuildError> {
        let started = Instant::now();
        // `watch` rewrites pages in place: the signatures a `build` recorded would no longer
        // describe them.
        let _ = fs::remove_file(output::signatures_path(&self.project.output_dir));
        let mut stages = Stages::default();
        // No previous pages: everything is rendered, and every page gets its signature.
        let none = HashMap::new();
        let mut rendered = build::render_parsed(
            &self.project,
            self.sources(),
            self.parsed_list(),
            links::Memo::Keep(None),
            Pass { previous: Some(&none), part: Part::Pages, sink: None },
            &mut stages,
        );
        let (extras, extra_diagnostics) = build::render_extras(&self.project, &rendered.site, &rendered.graph);
        self.extras = extras.files.iter().map(|(p, _)| p.clone()).collect();
        rendered.output.files.extend(extras.files);
        rendered.diagnostics.extend(extra_diagnostics);
        crate::diagnostics::sort(&mut rendered.diagnostics);
        let mut report = rendered.report(stages);
        if rendered.diagnostics.iter().any(Diagnostic::is_error) {
            report.elapsed = started.elapsed();
            return Err(BuildError::Content(report));
        }
        let stats = output::write_site(&self.project.output_dir, &rendered.output).map_err(|e| {
            BuildError::Environment(format!("cannot write `{}`: {e}", self.project.output_dir.display()))
        })?;
        report.write = Some(stats);
        self.remember(&rendered.output);
        self.links = rendered.links.unwrap_or_default();
        self.last = Some((rendered.site, rendered.graph));
        self.built = true;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Builds again after the files at `paths` changed (as the watcher reported them: created,
    /// modified, removed or renamed). `Ok(None)` when nothing that matters changed.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Option<Rebuild>, BuildError> {
        let started = Instant::now();
        let root = output::absolute(&self.project.root);
        let content = root.join("content");
        let mut changed = Vec::new();
        let mut config_changed = false;
        let mut theme_changed = false;
        let mut static_changed = false;
        let mut need_walk = false;
        let mut touched_md: HashSet<String> = HashSet::new();
        for path in paths {
            let path = output::absolute(path);
            let Ok(rel) = path.strip_prefix(&root) else { continue };
            let rel = crate::slug::nfc(&rel.to_string_lossy().replace('\\', "/"));
            if rel == "site.yaml" {
                config_changed = true;
                changed.push(rel);
            } else if rel == "themes" || rel.starts_with("themes/") {
                theme_changed = true;
                changed.push(rel);
            } else if rel == "static" || rel.starts_with("static/") {
                static_changed = true;
                changed.push(rel);
            } else if rel == "content" {
                need_walk = true;
            } else if let Some(under) = rel.strip_prefix("content/") {
                if under.split('/').any(discover::is_ignored_name) {
                    continue;
                }
                if under.ends_with(".md") && path.is_file() && self.parsed.contains_key(under) {
                    touched_md.insert(under.to_string());
                } else {
                    // Created, removed, renamed, a folder or an asset: walk again (cheap; files
                    // already parsed are not read again).
                    need_walk = true;
                    touched_md.insert(under.to_string());
                }
            }
        }
        let mut anything = config_changed || theme_changed || static_changed;
        if config_changed || theme_changed {
            let project = Project::resolve(&self.options).map_err(BuildError::Environment)?;
            let reparse = project.config.taxonomies != self.project.config.taxonomies;
            self.project = project;
            self.theme_fingerprint = theme_fingerprint(&self.project);
            if reparse {
                // Which keys are taxonomies changed: every file's front-matter reads differently.
                for (_, (_, parsed)) in self.parsed.iter_mut() {
                    let text_hash = parsed.text_hash;
                    *parsed = site::parse_file(parsed.file.clone(), &self.project.config, true);
                    parsed.text_hash = text_hash;
                }
            }
        }
        // An edit to one brief that changes nothing other pages show takes a short path.
        let only_body_edit = !need_walk && !anything && touched_md.len() == 1 && self.built;
        let before =
            if only_body_edit { touched_md.iter().next().and_then(|rel| self.parsed.get(rel).cloned()) } else { None };
        if need_walk {
            anything |= self.rewalk(&touched_md, &mut changed);
        } else {
            for rel in &touched_md {
                if self.reread(rel, &content.join(rel)) {
                    changed.push(format!("content/{rel}"));
                    anything = true;
                }
            }
        }
        if !anything {
            return Ok(None);
        }
        if !self.built {
            // The last full build failed: this one writes the whole site.
            let report = self.build_all()?;
            return Ok(Some(Rebuild {
                changed,
                pages_rendered: report.pages,
                files_written: report.write.map_or(0, |w| w.written),
                files_removed: 0,
                diagnostics: report.diagnostics,
                elapsed: started.elapsed(),
                css_only: false,
                stages: report.stages,
            }));
        }
        let read_time = started.elapsed();
        if let Some((_, before)) = before {
            let rel = before.file.rel_path.clone();
            if let Some(rebuild) = self.rebuild_one_page(&before, &rel, &changed, started)? {
                return Ok(Some(rebuild));
            }
        }
        let css_only = !changed.is_empty() && changed.iter().all(|c| c.ends_with(".css"));
        let mut stages = Stages::default();
        let rendered = build::render_parsed(
            &self.project,
            self.sources(),
            self.parsed_list(),
            links::Memo::Keep(Some(&self.links)),
            Pass { previous: Some(&self.signatures), part: Part::Pages, sink: None },
            &mut stages,
        );
        if rendered.diagnostics.iter().any(Diagnostic::is_error) {
            let mut report = rendered.report(stages);
            report.elapsed = started.elapsed();
            return Err(BuildError::Content(report));
        }
        let write_started = Instant::now();
        let (written, removed) = self.apply(&rendered.output, Part::Pages).map_err(|e| {
            BuildError::Environment(format!("cannot write `{}`: {e}", self.project.output_dir.display()))
        })?;
        let pages_rendered = rendered.output.signatures.len() - rendered.output.kept.len();
        self.signatures = rendered.output.signatures.clone();
        self.links = rendered.links.unwrap_or_default();
        self.last = Some((rendered.site, rendered.graph));
        self.extras_due = true;
        Ok(Some(Rebuild {
            changed,
            pages_rendered,
            files_written: written,
            files_removed: removed,
            diagnostics: rendered.diagnostics,
            elapsed: started.elapsed(),
            css_only,
            stages: {
                stages.0.insert(0, ("read", read_time));
                stages.0.push(("write", write_started.elapsed()));
                stages
            },
        }))
    }

    /// Writes what the last rebuild left for after the reload: the search index and page, the
    /// link graph, feeds and sitemap. Returns the number of files written and any problem.
    pub fn finish(&mut self) -> Result<usize, BuildError> {
        if !std::mem::take(&mut self.extras_due) {
            return Ok(0);
        }
        let Some((site, graph)) = &self.last else { return Ok(0) };
        let (extras, diagnostics) = build::render_extras(&self.project, site, graph);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(BuildError::Content(build::BuildReport::failed(
                diagnostics,
                site.briefs.len(),
                Stages::default(),
            )));
        }
        let (written, _) = self.apply(&extras, Part::Extras).map_err(|e| {
            BuildError::Environment(format!("cannot write `{}`: {e}", self.project.output_dir.display()))
        })?;
        self.extras = extras.files.iter().map(|(p, _)| p.clone()).collect();
        Ok(written)
    }

    /// The short path: when the only change is the body of one brief, and it changed nothing
    /// that another page shows (title, front-matter, summary, reading time, headings, links), only
    /// that brief's page is rendered again, in the site kept from the last build.
    /// `Ok(None)` when the change does not qualify.
    fn rebuild_one_page(
        &mut self,
        before: &Parsed,
        rel: &str,
        changed: &[String],
        started: Instant,
    ) -> Result<Option<Rebuild>, BuildError> {
        let Some((_, after)) = self.parsed.get(rel) else { return Ok(None) };
        let link_shape = |p: &Parsed| -> Vec<(crate::markdown::LinkKind, String)> {
            p.analysis.links.iter().map(|l| (l.kind, l.dest.clone())).collect()
        };
        let heading_ids = |p: &Parsed| -> Vec<String> { p.analysis.headings.iter().map(|h| h.id.clone()).collect() };
        let same_shape = before.front.is_some()
            && after.front.is_some()
            && before.diagnostics.is_empty()
            && after.diagnostics.is_empty()
            && before.body.start == after.body.start
            && before.file.text[..before.body.start] == after.file.text[..after.body.start]
            && before.derived.summary == after.derived.summary
            && before.analysis.reading_minutes() == after.analysis.reading_minutes()
            && heading_ids(before) == heading_ids(after)
            && link_shape(before) == link_shape(after);
        if !same_shape {
            return Ok(None);
        }
        let after = after.clone();
        let Some((site, graph)) = &mut self.last else { return Ok(None) };
        let Some(b) = site.briefs.iter().position(|brief| brief.id() == after.derived.id) else { return Ok(None) };
        if self.links.has_diagnostics(b) {
            return Ok(None);
        }
        let brief = &mut site.briefs[b];
        brief.file = after.file.clone();
        brief.body = after.body.clone();
        brief.analysis = after.analysis.clone();
        brief.text_hash = after.text_hash;
        brief.derived = after.derived.clone();
        self.links.retext(b, after.text_hash);
        let mut stages = Stages::default();
        let (output, diagnostics) = stages.time("render", || build::render_brief(&self.project, site, graph, b));
        if diagnostics.iter().any(Diagnostic::is_error) {
            let mut report = build::BuildReport::failed(diagnostics, site.briefs.len(), stages);
            report.elapsed = started.elapsed();
            return Err(BuildError::Content(report));
        }
        let write_started = Instant::now();
        let (written, _) = self.apply(&output, Part::Brief(b)).map_err(|e| {
            BuildError::Environment(format!("cannot write `{}`: {e}", self.project.output_dir.display()))
        })?;
        stages.0.push(("write", write_started.elapsed()));
        self.signatures.extend(output.signatures);
        self.extras_due = true;
        Ok(Some(Rebuild {
            changed: changed.to_vec(),
            pages_rendered: 1,
            files_written: written,
            files_removed: 0,
            diagnostics: Vec::new(),
            elapsed: started.elapsed(),
            css_only: false,
            stages,
        }))
    }

    fn sources(&self) -> Sources {
        let mut diagnostics = self.walk_diagnostics.clone();
        diagnostics.extend(self.unreadable.values().cloned());
        Sources { markdown: vec![], folders: self.folders.clone(), assets: self.assets.clone(), diagnostics }
    }

    fn parsed_list(&self) -> Vec<Parsed> {
        self.parsed.values().map(|(_, p)| p.clone()).collect()
    }

    /// Reads one Markdown file again; returns whether its content changed.
    fn reread(&mut self, rel: &str, path: &Path) -> bool {
        let display_prefix = "content/";
        match discover::read_source(rel.to_string(), path, display_prefix) {
            Ok(file) => {
                let hash = hash_bytes(file.text.as_bytes());
                let was_unreadable = self.unreadable.remove(rel).is_some();
                if !was_unreadable && self.parsed.get(rel).is_some_and(|(h, _)| *h == hash) {
                    return false;
                }
                let mut parsed = site::parse_file(file, &self.project.config, true);
                parsed.text_hash = hash;
                self.parsed.insert(rel.to_string(), (hash, parsed));
                true
            }
            Err(d) => {
                self.parsed.remove(rel);
                self.unreadable.insert(rel.to_string(), d);
                true
            }
        }
    }

    /// Walks `content/` again; reads files that are new or in `touched`. Returns whether
    /// anything changed.
    fn rewalk(&mut self, touched: &HashSet<String>, changed_files: &mut Vec<String>) -> bool {
        let found = discover::walk(&self.project.content_dir, "content/");
        let mut changed = found.folders != self.folders || found.assets != self.assets;
        let present: HashSet<&str> = found.markdown.iter().map(|(r, _)| r.as_str()).collect();
        let before = self.parsed.len() + self.unreadable.len();
        for rel in self.parsed.keys().chain(self.unreadable.keys()) {
            if !present.contains(rel.as_str()) {
                changed_files.push(format!("content/{rel} (removed)"));
            }
        }
        self.parsed.retain(|rel, _| present.contains(rel.as_str()));
        self.unreadable.retain(|rel, _| present.contains(rel.as_str()));
        changed |= self.parsed.len() + self.unreadable.len() != before;
        for (rel, path) in &found.markdown {
            let known = self.parsed.contains_key(rel) || self.unreadable.contains_key(rel);
            let stale = !known || touched.contains(rel) || self.unreadable.contains_key(rel);
            if stale && self.reread(rel, path) {
                changed_files.push(format!("content/{rel}"));
                changed = true;
            }
        }
        // Asset bytes may change without the list changing.
        changed |= found.assets.iter().any(|a| self.copied.get(&a.rel_path) != Some(&copy_stamp(&a.source)));
        self.folders = found.folders;
        self.assets = found.assets;
        self.walk_diagnostics = found.diagnostics;
        changed
    }

    fn remember(&mut self, site: &crate::render::SiteOutput) {
        self.signatures = site.signatures.clone();
        self.written = site.files.iter().map(|(p, b)| (p.clone(), hash_bytes(b))).collect();
        self.copied = site.copies.iter().map(|(p, source)| (p.clone(), copy_stamp(source))).collect();
    }

    /// Writes what changed into the output folder and removes what is gone. Each file is
    /// replaced atomically (written beside it, then renamed), so the server never sends half a
    /// page.
    fn apply(&mut self, site: &crate::render::SiteOutput, part: Part) -> io::Result<(usize, usize)> {
        let out = &self.project.output_dir;
        let mut written = 0;
        let mut keep: HashSet<&str> = site.kept.iter().map(String::as_str).collect();
        for (path, bytes) in &site.files {
            keep.insert(path);
            let hash = hash_bytes(bytes);
            if self.written.get(path) == Some(&hash) {
                continue;
            }
            write_atomic(out, path, bytes)?;
            self.written.insert(path.clone(), hash);
            written += 1;
        }
        for (path, source) in &site.copies {
            keep.insert(path);
            let stamp = copy_stamp(source);
            if self.copied.get(path) == Some(&stamp) {
                continue;
            }
            write_atomic(out, path, &fs::read(source)?)?;
            self.copied.insert(path.clone(), stamp);
            written += 1;
        }
        // What this part wrote before and did not write now is gone.
        let candidates: Vec<&String> = match part {
            Part::Extras => self.extras.iter().collect(),
            Part::Brief(_) => Vec::new(),
            _ => self
                .written
                .keys()
                .chain(self.copied.keys())
                .chain(self.signatures.keys())
                .filter(|p| !self.extras.contains(*p))
                .collect(),
        };
        let gone: Vec<String> = candidates
            .into_iter()
            .filter(|p| !keep.contains(p.as_str()))
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for path in &gone {
            let full = out.join(path);
            if fs::remove_file(&full).is_ok() {
                remove_empty_parents(out, &full);
            }
            self.written.remove(path);
            self.copied.remove(path);
        }
        Ok((written, gone.len()))
    }

    /// The output folder.
    pub fn output_dir(&self) -> &Path {
        &self.project.output_dir
    }

    /// A fingerprint of the theme, so a template change is noticed even when the watcher
    /// reports it under an unexpected path.
    pub fn theme_fingerprint(&self) -> u64 {
        self.theme_fingerprint
    }
}

fn theme_fingerprint(project: &Project) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    project.theme.templates.hash(&mut h);
    project.theme.static_files.hash(&mut h);
    h.finish()
}

/// Replaces `out/rel` atomically (written beside it, then renamed); `rel` must stay inside `out`.
fn write_atomic(out: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    output::check_safe(rel)?;
    let path = out.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.briefing-tmp"));
    fs::write(&temp, bytes)?;
    fs::rename(&temp, &path)
}

/// Removes the folders left empty by a removed file, up to the output folder.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Whether a changed path can matter to the site: not the output folder, `.git`, or an editor's
/// temporary file. Used to drop watcher events before they cause a rebuild (no rebuild loops).
pub fn is_relevant(root: &Path, output_dir: &Path, path: &Path) -> bool {
    if path.starts_with(output_dir) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut components = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = components.next() else { return false };
    if !matches!(first.as_str(), "content" | "themes" | "static" | "site.yaml") {
        return false;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // The staging folders of `build` sit beside the output: never content.
    let generated = rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == ".git" || c.ends_with(".briefing-staging") || c.ends_with(".briefing-old")
    });
    let editor_temp = first != "static" && discover::is_ignored_name(&name);
    !generated && !editor_temp && !name.ends_with(".briefing-tmp")
}
