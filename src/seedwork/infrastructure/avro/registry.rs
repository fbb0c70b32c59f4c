use std::collections::BTreeMap;

use apache_avro::Schema;

use crate::seedwork::infrastructure::InfraError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));
}

/// All versions of one topic's envelope schema.
#[derive(Debug, Clone)]
pub struct TopicSchemas {
    versions: BTreeMap<u32, (Schema, &'static str)>,
}

impl TopicSchemas {
    pub fn latest_version(&self) -> u32 {
        self.versions.keys().next_back().copied().unwrap_or(1)
    }

    pub fn schema(&self, version: u32) -> Option<&Schema> {
        self.versions.get(&version).map(|(s, _)| s)
    }

    /// The schema file text, as registered with a broker's schema registry.
    pub fn text(&self, version: u32) -> Option<&'static str> {
        self.versions.get(&version).map(|(_, t)| *t)
    }

    pub fn versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.versions.keys().copied()
    }
}

/// The schemas compiled into the binary from `schemas/`, parsed once at
/// start so a malformed file fails the start, not the first message.
#[derive(Debug, Clone)]
pub struct SchemaRegistry {
    topics: BTreeMap<String, TopicSchemas>,
}

impl SchemaRegistry {
    pub fn embedded() -> Result<Self, InfraError> {
        Self::from_files(embedded::SCHEMA_FILES.iter().copied())
    }

    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, u32, &'static str)>,
    ) -> Result<Self, InfraError> {
        let mut topics: BTreeMap<String, TopicSchemas> = BTreeMap::new();
        for (topic, version, text) in files {
            let schema = Schema::parse_str(text).map_err(|e| InfraError::Schema {
                file: format!("schemas/{topic}/v{version}.avsc"),
                reason: e.to_string(),
            })?;
            topics
                .entry(topic.to_owned())
                .or_insert_with(|| TopicSchemas {
                    versions: BTreeMap::new(),
                })
                .versions
                .insert(version, (schema, text));
        }
        Ok(Self { topics })
    }

    pub fn topic(&self, topic: &str) -> Option<&TopicSchemas> {
        self.topics.get(topic)
    }

    pub fn topics(&self) -> impl Iterator<Item = (&str, &TopicSchemas)> {
        self.topics.iter().map(|(k, v)| (k.as_str(), v))
    }
}
