//! Embeds every `schemas/<topic>/v<N>.avsc` into the binary as a table, so the
//! running service reads the same files producers in other languages read.
use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=schemas");
    // Read at run time, not `env!`: a target dir shared between clones
    // reuses this script's binary, whose compile-time path may be a clone
    // that is gone (the table came out empty).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("schemas");
    let mut entries = Vec::new();
    if let Ok(topics) = std::fs::read_dir(&root) {
        for topic in topics.flatten() {
            if !topic.path().is_dir() {
                continue;
            }
            let name = topic.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(topic.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let file_name = file.file_name().to_string_lossy().into_owned();
                let version = file_name
                    .strip_prefix('v')
                    .and_then(|s| s.strip_suffix(".avsc"))
                    .and_then(|s| s.parse::<u32>().ok());
                if let Some(version) = version {
                    entries.push((name.clone(), version, file_name));
                }
            }
        }
    }
    entries.sort();
    let mut out =
        String::from("/// (topic, version, schema text) of every file under `schemas/`.\n");
    out.push_str("pub static SCHEMA_FILES: &[(&str, u32, &str)] = &[\n");
    // Paths are resolved when the crate compiles, not here: a target dir
    // shared between clones can keep this script's output from another
    // clone, and an absolute path baked in here would point into it.
    for (topic, version, file_name) in entries {
        let _ = writeln!(
            out,
            "    ({topic:?}, {version}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/schemas/{topic}/{file_name}\"))),"
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("schema_files.rs");
    std::fs::write(dest, out).expect("write schema table");
}
