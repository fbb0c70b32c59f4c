//! The Apache Pulsar test broker that scripts/test starts (scripts/pulsar):
//! one broker for the whole run, a fresh namespace per test.
#![allow(dead_code)]

use std::sync::Arc;

use propalpes::seedwork::infrastructure::avro::SchemaRegistry;
use propalpes::seedwork::infrastructure::{PulsarBus, PulsarConfig, RetryPolicy};

#[derive(Debug, Clone)]
pub struct PulsarEnv {
    pub url: String,
    pub admin: String,
    pub namespace: String,
}

impl PulsarEnv {
    pub fn config(&self) -> PulsarConfig {
        PulsarConfig {
            url: self.url.clone(),
            tenant: "public".into(),
            namespace: self.namespace.clone(),
        }
    }

    pub fn topic(&self, topic: &str) -> String {
        self.config().topic(topic)
    }

    pub async fn bus(&self, policy: RetryPolicy) -> Arc<PulsarBus> {
        let registry = Arc::new(SchemaRegistry::embedded().expect("schemas"));
        Arc::new(
            PulsarBus::connect(self.config(), registry, policy)
                .await
                .expect("connect to Pulsar"),
        )
    }

    /// The admin REST API, e.g. `/admin/v2/schemas/public/ns/topic/schema`.
    pub async fn admin_get(&self, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}{}", self.admin, path))
            .send()
            .await
            .expect("admin request")
    }
}

/// A fresh namespace on the test broker, or None (skip) without a broker.
pub async fn pulsar_env() -> Option<PulsarEnv> {
    let (Ok(url), Ok(admin)) = (
        std::env::var("TEST_PULSAR_URL"),
        std::env::var("TEST_PULSAR_ADMIN_URL"),
    ) else {
        assert!(
            std::env::var("PROPALPES_REQUIRE_PULSAR").is_err(),
            "PROPALPES_REQUIRE_PULSAR is set but TEST_PULSAR_URL/TEST_PULSAR_ADMIN_URL are not"
        );
        eprintln!("SKIPPED: TEST_PULSAR_URL not set (run scripts/test)");
        return None;
    };
    let namespace = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let created = reqwest::Client::new()
        .put(format!("{admin}/admin/v2/namespaces/public/{namespace}"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("admin API reachable");
    assert!(
        created.status().is_success(),
        "create namespace: {}",
        created.status()
    );
    Some(PulsarEnv {
        url,
        admin,
        namespace,
    })
}
