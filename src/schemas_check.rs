//! `propalpes schemas check`: validates every `schemas/<topic>/vN.avsc` and
//! checks each version against the previous one under FULL compatibility
//! (new readers read old data and old readers read new data), with
//! apache-avro's `SchemaCompatibility`. It prints what changed per topic and
//! why a change breaks; a breaking change makes the command fail.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use apache_avro::Schema;
use apache_avro::schema::RecordField;
use apache_avro::schema_compatibility::{Compatibility, SchemaCompatibility};

/// The outcome for one topic.
#[derive(Debug, Default)]
pub struct TopicReport {
    pub topic: String,
    pub versions: Vec<u32>,
    /// Human-readable lines: what changed between versions.
    pub changes: Vec<String>,
    /// Why the topic's history is broken; empty when it is sound.
    pub errors: Vec<String>,
}

impl TopicReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Checks every topic directory under `dir`.
pub fn check_dir(dir: &Path) -> Result<Vec<TopicReport>, std::io::Error> {
    let mut topics: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    topics.sort();
    let mut reports: Vec<TopicReport> = topics
        .iter()
        .map(|t| check_topic(t))
        .collect::<Result<_, _>>()?;
    // Every topic the code names (contracts) has its schemas here.
    for topic in crate::contracts::topics::ALL {
        if !reports.iter().any(|r| r.topic == topic) {
            reports.push(TopicReport {
                topic: topic.to_owned(),
                errors: vec![format!(
                    "no schemas/{topic}/ for a topic the services use (contracts::topics)"
                )],
                ..TopicReport::default()
            });
        }
    }
    Ok(reports)
}

fn check_topic(dir: &Path) -> Result<TopicReport, std::io::Error> {
    let mut report = TopicReport {
        topic: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..TopicReport::default()
    };
    let schemas = read_versions(dir, &mut report)?;
    report.versions = schemas.keys().copied().collect();
    check_sequence(&mut report);
    check_pairs(&schemas, &mut report);
    Ok(report)
}

/// The topic's schema files by version; a misnamed or unparsable file is
/// an error in the report.
fn read_versions(
    dir: &Path,
    report: &mut TopicReport,
) -> Result<BTreeMap<u32, Schema>, std::io::Error> {
    let mut schemas: BTreeMap<u32, Schema> = BTreeMap::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(version) = name
            .strip_prefix('v')
            .and_then(|s| s.strip_suffix(".avsc"))
            .and_then(|s| s.parse::<u32>().ok())
        else {
            if name.ends_with(".avsc") {
                report
                    .errors
                    .push(format!("{name}: schema files are named v<N>.avsc"));
            }
            continue;
        };
        let text = std::fs::read_to_string(entry.path())?;
        match Schema::parse_str(&text) {
            Ok(schema) => {
                if let Err(e) = envelope_union(&schema) {
                    report.errors.push(format!("v{version}: {e}"));
                }
                schemas.insert(version, schema);
            }
            Err(e) => report
                .errors
                .push(format!("v{version}: not a valid Avro schema: {e}")),
        }
    }
    Ok(schemas)
}

/// Versions run v1, v2, … without gaps.
fn check_sequence(report: &mut TopicReport) {
    for (i, v) in report.versions.iter().enumerate() {
        if *v != i as u32 + 1 {
            report.errors.push(format!(
                "versions must run v1, v2, ... without gaps; found v{v} at position {}",
                i + 1
            ));
            break;
        }
    }
}

/// Each version against the next: what changed, and whether old and new
/// readers and writers still understand each other both ways.
fn check_pairs(schemas: &BTreeMap<u32, Schema>, report: &mut TopicReport) {
    for (old_v, new_v) in report
        .versions
        .clone()
        .iter()
        .zip(report.versions.iter().skip(1))
    {
        let (old, new) = (&schemas[old_v], &schemas[new_v]);
        report.changes.push(format!("v{old_v} → v{new_v}"));
        report.changes.extend(
            describe_changes(old, new)
                .into_iter()
                .map(|c| format!("  {c}")),
        );
        for (direction, writer, reader) in [
            ("backward (v{new} reads v{old} data)", old, new),
            ("forward (v{old} reads v{new} data)", new, old),
        ] {
            let direction = direction
                .replace("{new}", &new_v.to_string())
                .replace("{old}", &old_v.to_string());
            match SchemaCompatibility::can_read(writer, reader) {
                Ok(Compatibility::Full) => {}
                Ok(Compatibility::Partial) => report
                    .errors
                    .push(format!("v{old_v} → v{new_v} breaks {direction}: some values would not resolve (enum or union narrowed)")),
                Err(e) => report.errors.push(format!("v{old_v} → v{new_v} breaks {direction}: {e}")),
            }
        }
    }
}

fn envelope_union(schema: &Schema) -> Result<(), String> {
    let Schema::Record(record) = schema else {
        return Err("the top level must be the envelope record".into());
    };
    for header in ["id", "type", "source", "time", "correlation_id"] {
        if !record.fields.iter().any(|f| f.name == header) {
            return Err(format!("the envelope lacks its `{header}` field"));
        }
    }
    match record
        .fields
        .iter()
        .find(|f| f.name == "data")
        .map(|f| &f.schema)
    {
        Some(Schema::Union(_)) => Ok(()),
        _ => Err("the envelope's `data` must be a union of payload records".into()),
    }
}

/// Every record in a schema by name (the envelope and the union branches).
fn records(schema: &Schema) -> BTreeMap<String, Vec<RecordField>> {
    let mut out = BTreeMap::new();
    fn walk(schema: &Schema, out: &mut BTreeMap<String, Vec<RecordField>>) {
        match schema {
            Schema::Record(r) => {
                out.insert(r.name.name().to_owned(), r.fields.clone());
                for f in &r.fields {
                    walk(&f.schema, out);
                }
            }
            Schema::Union(u) => u.variants().iter().for_each(|v| walk(v, out)),
            Schema::Array(a) => walk(&a.items, out),
            _ => {}
        }
    }
    walk(schema, &mut out);
    out
}

fn type_name(schema: &Schema) -> String {
    match schema {
        Schema::Union(u) => format!(
            "[{}]",
            u.variants()
                .iter()
                .map(type_name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Schema::Array(a) => format!("array<{}>", type_name(&a.items)),
        other => other
            .name()
            .map(|n| n.name().to_owned())
            .unwrap_or_else(|| {
                format!("{:?}", apache_avro::schema::SchemaKind::from(other)).to_lowercase()
            }),
    }
}

fn describe_changes(old: &Schema, new: &Schema) -> Vec<String> {
    let (old, new) = (records(old), records(new));
    let mut lines = Vec::new();
    for (name, fields) in &new {
        let Some(before) = old.get(name) else {
            lines.push(format!("+ record {name}"));
            continue;
        };
        for f in fields {
            match before.iter().find(|b| b.name == f.name) {
                None => {
                    let mut line = format!("+ {name}.{}: {}", f.name, type_name(&f.schema));
                    let _ = match &f.default {
                        Some(d) => write!(line, " (default {d})"),
                        None => write!(line, " (NO DEFAULT: old data cannot be read)"),
                    };
                    lines.push(line);
                }
                Some(b) if type_name(&b.schema) != type_name(&f.schema) => lines.push(format!(
                    "~ {name}.{}: {} → {}",
                    f.name,
                    type_name(&b.schema),
                    type_name(&f.schema)
                )),
                Some(_) => {}
            }
        }
        for b in before {
            if !fields.iter().any(|f| f.name == b.name) {
                let note = if b.default.is_some() {
                    ""
                } else {
                    " (had no default: old readers cannot read new data)"
                };
                lines.push(format!("- {name}.{}{note}", b.name));
            }
        }
    }
    for name in old.keys() {
        if !new.contains_key(name) {
            lines.push(format!("- record {name}"));
        }
    }
    if lines.is_empty() {
        lines.push("(no field changes)".into());
    }
    lines
}

/// Prints the reports; `true` when every topic is sound.
pub fn print(reports: &[TopicReport]) -> bool {
    let mut ok = true;
    for r in reports {
        let versions: Vec<String> = r.versions.iter().map(|v| format!("v{v}")).collect();
        println!(
            "{:<22} {:<10} {}",
            r.topic,
            versions.join(","),
            if r.ok() {
                "FULL compatible"
            } else {
                "BREAKING"
            }
        );
        for c in &r.changes {
            println!("    {c}");
        }
        for e in &r.errors {
            println!("    ✗ {e}");
        }
        ok &= r.ok();
    }
    ok
}
