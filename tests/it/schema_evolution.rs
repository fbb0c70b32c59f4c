//! Schema evolution: `schemas check` accepts the shipped history and rejects
//! a breaking fixture; for every topic and message type, each version's
//! writers are read by the next version's readers and the other way round,
//! with real payloads (a topic with one version round-trips it).

use std::sync::Arc;

use apache_avro::Schema;
use apache_avro::schema::RecordField;
use propalpes::schemas_check::check_dir;
use propalpes::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, SchemaRegistry};
use serde_json::{Map, Value, json};

fn root(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn the_shipped_schemas_are_full_compatible_version_to_version() {
    let reports = check_dir(&root("schemas")).expect("read schemas/");
    assert_eq!(
        reports.len(),
        propalpes::contracts::topics::ALL.len(),
        "one report per topic"
    );
    for r in &reports {
        assert!(r.ok(), "{}: {:?}", r.topic, r.errors);
        let contiguous: Vec<u32> = (1..=r.versions.len() as u32).collect();
        assert_eq!(r.versions, contiguous, "{}", r.topic);
    }
    let geo = reports
        .iter()
        .find(|r| r.topic == "comandos-geograficos")
        .expect("geo");
    assert_eq!(geo.versions, vec![1, 2, 3, 4]);
}

#[test]
fn a_breaking_v3_is_rejected_with_the_reason() {
    let reports = check_dir(&root("tests/fixtures/schemas-broken")).expect("read fixture");
    let r = &reports[0];
    assert!(!r.ok());
    let text = r.errors.join("\n");
    assert!(text.contains("v2 → v3 breaks backward"), "{text}");
    assert!(
        text.contains("Field 'time'"),
        "names the retyped field: {text}"
    );
    let changes = r.changes.join("\n");
    assert!(
        changes.contains("- CrearCompania.identificacion (had no default"),
        "{changes}"
    );
    assert!(
        changes.contains("~ ComandoCompania.time: long → string"),
        "{changes}"
    );
}

#[test]
fn the_cli_exits_non_zero_on_a_breaking_change() {
    let bin = env!("CARGO_BIN_EXE_propalpes");
    let ok = std::process::Command::new(bin)
        .args(["schemas", "check", "--dir"])
        .arg(root("schemas"))
        .output()
        .expect("run");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let broken = std::process::Command::new(bin)
        .args(["schemas", "check", "--dir"])
        .arg(root("tests/fixtures/schemas-broken"))
        .output()
        .expect("run");
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stdout).contains("BREAKING"));
}

/// A realistic value for a field: every type the contracts use.
fn sample(field: &str, schema: &Schema) -> Value {
    match schema {
        Schema::String => match field {
            "email" => json!("ventas@andes.co"),
            "latitud" => json!("4.6097"),
            "longitud" => json!("-74.0817"),
            "estado" | "resultado" => json!("Rechazada"),
            "tipo_entidad" => json!("Compania"),
            _ => json!(format!("{field}-value")),
        },
        Schema::Long => json!(1_700_000_000_000i64),
        Schema::Int => json!(7),
        Schema::Double => json!(4.6097),
        Schema::Boolean => json!(true),
        Schema::Union(u) => sample(
            field,
            u.variants()
                .iter()
                .find(|v| !matches!(v, Schema::Null))
                .expect("non-null branch"),
        ),
        Schema::Array(a) => match a.items.as_ref() {
            Schema::Record(r) => json!([record_sample(&r.fields)]),
            _ => json!(["email faltante", "latitud fuera_de_rango"]),
        },
        Schema::Record(r) => record_sample(&r.fields),
        other => panic!("no sample for {other:?}"),
    }
}

fn record_sample(fields: &[RecordField]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|f| (f.name.clone(), sample(&f.name, &f.schema)))
            .collect(),
    )
}

fn branches(schema: &Schema) -> Vec<(String, Vec<RecordField>)> {
    let Schema::Record(envelope) = schema else {
        panic!("envelope")
    };
    let data = envelope
        .fields
        .iter()
        .find(|f| f.name == "data")
        .expect("data");
    let Schema::Union(u) = &data.schema else {
        panic!("union")
    };
    u.variants()
        .iter()
        .map(|v| match v {
            Schema::Record(r) => (r.name.name().to_owned(), r.fields.clone()),
            _ => panic!("record branch"),
        })
        .collect()
}

/// What a reader of `fields` should see for `written`: the common fields as
/// written, its own new fields at their defaults.
fn expected(written: &Map<String, Value>, fields: &[RecordField]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|f| {
                let v = written
                    .get(&f.name)
                    .cloned()
                    .or_else(|| f.default.clone())
                    .expect("value or default");
                (f.name.clone(), v)
            })
            .collect(),
    )
}

/// JSON serialized with signed integers (serde_json keeps positive ones as
/// u64, which Avro, having no unsigned type, cannot take as a long).
struct Signed<'a>(&'a Value);

impl serde::Serialize for Signed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Number(n) if n.is_f64() => s.serialize_f64(n.as_f64().unwrap_or_default()),
            Value::Number(n) => s.serialize_i64(n.as_i64().unwrap_or_default()),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(&Signed(i))?;
                }
                seq.end()
            }
            Value::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, &Signed(v))?;
                }
                map.end()
            }
            other => other.serialize(s),
        }
    }
}

#[test]
fn every_topic_reads_across_versions_both_ways() {
    let registry = Arc::new(SchemaRegistry::embedded().expect("schemas"));
    let codec = AvroCodec::new(registry.clone());
    let mut checked = 0;
    let mut pairs = Vec::new();
    for (topic, schemas) in registry.topics() {
        let versions: Vec<u32> = schemas.versions().collect();
        if versions.len() == 1 {
            pairs.push((topic, 1, 1));
        }
        for w in versions.windows(2) {
            pairs.push((topic, w[0], w[1]));
        }
    }
    for (topic, older, newer) in pairs {
        let schemas = registry.topic(topic).expect("topic");
        let (b1, b2) = (
            branches(schemas.schema(older).expect("older")),
            branches(schemas.schema(newer).expect("newer")),
        );
        for (name, fields_v1) in &b1 {
            let fields_v2 = &b2
                .iter()
                .find(|(n, _)| n == name)
                .expect("a newer version keeps every record")
                .1;
            let directions = match older == newer {
                true => vec![(older, newer, fields_v1, fields_v2)],
                false => vec![
                    (older, newer, fields_v1, fields_v2),
                    (newer, older, fields_v2, fields_v1),
                ],
            };
            for (writer, reader, w_fields, r_fields) in directions {
                let sample = record_sample(w_fields);
                let Value::Object(written) = &sample else {
                    unreachable!()
                };
                let header = EnvelopeHeader::new(name, "schema-test", "corr", Some("cause"));
                let bytes = codec
                    .encode_version(topic, writer, &header, &Signed(&sample))
                    .expect("encode");
                let decoded = codec
                    .decode_as(topic, writer, reader, &bytes)
                    .expect("decode across versions");
                assert_eq!(
                    decoded.header, header,
                    "{topic} {name} v{writer}→v{reader} header"
                );
                let read: Value = decoded.data().expect("payload");
                assert_eq!(
                    read,
                    expected(written, r_fields),
                    "{topic} {name} v{writer}→v{reader}"
                );
                checked += 1;
            }
        }
    }
    // Consecutive versions, both directions, per message type: comandos-
    // companias 3 types × 2 steps, eventos-companias 3 × 1, comandos-
    // geograficos 3 × 3, eventos-geograficos 3 × 2, comandos-propiedades
    // 4 × 1, eventos-auditoria 1 × 2; the v1-only topics (eventos-propiedades
    // 5, comandos-auditoria 1, eventos-registros 1, comandos-revisiones 3,
    // rechazos-comandos 1) round-trip once.
    assert_eq!(
        checked,
        2 * (3 * 2 + 3 + 3 * 3 + 3 * 2 + 4 + 2) + (5 + 1 + 1 + 3 + 1),
        "both directions for every message type"
    );
}

/// `asyncapi.yaml` at the root is what `propalpes asyncapi` generates from
/// the contracts and `schemas/` (regenerate it with `cargo run -- asyncapi
/// > asyncapi.yaml`), and the official AsyncAPI parser (with its Avro schema
/// parser, which reads every schema it references) finds no error in it.
#[tokio::test]
async fn the_committed_asyncapi_document_is_the_generated_one_and_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let registry =
        propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded().expect("schemas");
    let generated = propalpes::asyncapi::yaml(&propalpes::asyncapi::documento(&registry));
    let committed = std::fs::read_to_string(root.join("asyncapi.yaml")).expect("asyncapi.yaml");
    assert!(
        committed == generated,
        "asyncapi.yaml is stale: run `cargo run -- asyncapi > asyncapi.yaml`"
    );
    if std::env::var("PROPALPES_CHROMIUM").is_err() {
        assert!(
            std::env::var("PROPALPES_REQUIRE_UI").is_err(),
            "PROPALPES_REQUIRE_UI is set but not the UI test environment"
        );
        eprintln!("SKIPPED: the AsyncAPI parser (npm, scripts/ui-env)");
        return;
    }
    let output = tokio::process::Command::new("node")
        .arg(root.join("tests/ui/asyncapi.mjs"))
        .arg(root.join("asyncapi.yaml"))
        .current_dir(root.join("tests/ui"))
        .output()
        .await
        .expect("node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{stdout}");
    assert!(stdout.contains("valid AsyncAPI 3.0.0"), "{stdout}");
}
