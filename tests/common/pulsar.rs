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

    /// Infinite retention on the event log's topics, as compose's
    /// pulsar-init sets it (topic policies apply asynchronously: waits
    /// until the broker applies them).
    pub async fn keep_event_log(&self) {
        let http = reqwest::Client::new();
        for topic in propalpes::contracts::topics::EVENT_LOG {
            let path = self.admin_path(topic);
            // Created first: a topic policy needs its topic (409 = exists).
            let created = http.put(&path).send().await.expect("create topic");
            assert!(
                created.status().is_success() || created.status().as_u16() == 409,
                "create {topic}: {}",
                created.status()
            );
            let set = http
                .post(format!("{path}/retention"))
                .json(&serde_json::json!({"retentionTimeInMinutes": -1, "retentionSizeInMB": -1}))
                .send()
                .await
                .expect("set retention");
            assert!(
                set.status().is_success(),
                "retention of {topic}: {}",
                set.status()
            );
        }
        for topic in propalpes::contracts::topics::EVENT_LOG {
            let applied = format!("{}/retention?applied=true", self.admin_path(topic));
            crate::common::eventually(
                "the event topics' retention applied",
                std::time::Duration::from_secs(30),
                || {
                    let http = http.clone();
                    let applied = applied.clone();
                    async move {
                        let policy: serde_json::Value =
                            http.get(&applied).send().await.ok()?.json().await.ok()?;
                        (policy["retentionTimeInMinutes"] == -1
                            && policy["retentionSizeInMB"] == -1)
                            .then_some(())
                    }
                },
            )
            .await;
        }
    }

    /// `http://admin/admin/v2/persistent/public/<namespace>/<topic>`.
    pub fn admin_path(&self, topic: &str) -> String {
        format!(
            "{}/admin/v2/persistent/public/{}/{topic}",
            self.admin, self.namespace
        )
    }

    /// Closes the topic's current ledger (an unload: the next write opens a
    /// new one) and deletes the ledgers every subscription consumed that
    /// its retention lets go.
    pub async fn roll_and_trim(&self, topic: &str) {
        let http = reqwest::Client::new();
        let path = self.admin_path(topic);
        let unloaded = http
            .put(format!("{path}/unload"))
            .send()
            .await
            .expect("unload");
        assert!(
            unloaded.status().is_success(),
            "unload {topic}: {}",
            unloaded.status()
        );
        let trimmed = http
            .post(format!("{path}/trim"))
            .send()
            .await
            .expect("trim");
        assert!(
            trimmed.status().is_success(),
            "trim {topic}: {}",
            trimmed.status()
        );
    }

    /// How many messages a reader from the earliest retained one finds.
    pub async fn retained(&self, topic: &str) -> usize {
        use futures::StreamExt;
        let bus = self.bus(RetryPolicy::default()).await;
        let mut reader: pulsar::Consumer<Vec<u8>, _> = bus
            .client()
            .consumer()
            .with_topic(self.topic(topic))
            .with_subscription(format!("count-{}", uuid::Uuid::new_v4().simple()))
            .with_options(pulsar::ConsumerOptions {
                durable: Some(false),
                initial_position: pulsar::consumer::InitialPosition::Earliest,
                ..Default::default()
            })
            .build()
            .await
            .expect("reader");
        let mut n = 0;
        while let Ok(Some(Ok(_))) =
            tokio::time::timeout(std::time::Duration::from_secs(2), reader.next()).await
        {
            n += 1;
        }
        n
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
