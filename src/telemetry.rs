//! Structured logs with `tracing`; RUST_LOG filters, LOG_FORMAT=json for
//! JSON. Built with `--features otlp`, spans are also exported over
//! OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT when it is set.

use tracing_subscriber::layer::{Context, Filter, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// Keeps the span exporter alive; dropping it (at the end of `main`)
/// flushes the spans still batched, so the last seconds before a SIGTERM
/// are exported too.
#[must_use = "dropping it at once stops the span export"]
pub struct Telemetry {
    #[cfg(feature = "otlp")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        #[cfg(feature = "otlp")]
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("OTLP exporter did not flush: {error}");
        }
    }
}

pub fn init(format: &str) -> Telemetry {
    let mut filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,pulsar=warn"));
    let counting = counting_statements();
    if counting {
        // sqlx reports every statement at DEBUG on this target; the
        // counter takes them, the log layer does not.
        filter = filter.add_directive("sqlx::query=debug".parse().expect("a constant directive"));
    }
    let fmt: BoxedLayer = if format == "json" {
        Box::new(
            tracing_subscriber::fmt::layer()
                .json()
                .with_filter(UnionesDeUnMiembro),
        )
    } else {
        Box::new(tracing_subscriber::fmt::layer().with_filter(UnionesDeUnMiembro))
    };
    let mut layers: Vec<BoxedLayer> = vec![fmt];
    if counting {
        layers.push(Box::new(StatementCounter));
    }
    #[cfg_attr(not(feature = "otlp"), allow(unused_variables))]
    let provider = otlp_layer().map(|(layer, provider)| {
        layers.push(layer);
        provider
    });
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(layers)
        .with(filter)
        .try_init();
    Telemetry {
        #[cfg(feature = "otlp")]
        provider,
    }
}

/// `PROPALPES_COUNT_STATEMENTS=1`: every statement sqlx runs is counted in
/// `propalpes_db_statements_total`, so `bench flow` shows statements per
/// entity on SQLite too, where there is no `pg_stat_statements` (sqlx's
/// transaction BEGIN/COMMIT are not statement events: commits are counted
/// apart). Off by default: each statement then costs the event sqlx builds.
fn counting_statements() -> bool {
    std::env::var("PROPALPES_COUNT_STATEMENTS").as_deref() == Ok("1")
}

/// The statement events' target in sqlx.
const SQLX_QUERY: &str = "sqlx::query";

/// Counts sqlx's statement events (see [`counting_statements`]).
struct StatementCounter;

impl<S: tracing::Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _cx: Context<'_, S>) {
        if event.metadata().target() == SQLX_QUERY {
            metrics::counter!("propalpes_db_statements_total").increment(1);
        }
    }
}

/// The one-member unions of the contract are on purpose: a topic's
/// envelope is one record whose `data` is a union of its message types,
/// whether it has one or several (so every topic reads and evolves alike).
/// apache-avro warns about each one-member union it parses ("Union schema
/// with just one member!"); this filter recognises exactly that warning
/// and lets every other one of the crate through.
struct UnionesDeUnMiembro;

const UNION_DE_UN_MIEMBRO: &str = "Union schema with just one member";

impl<S> Filter<S> for UnionesDeUnMiembro {
    /// Statement events reach the log only as warnings (slow statements):
    /// below that they are let through for the statement counter alone.
    fn enabled(&self, meta: &tracing::Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        meta.target() != SQLX_QUERY || *meta.level() <= tracing::Level::WARN
    }

    fn event_enabled(&self, event: &tracing::Event<'_>, _cx: &Context<'_, S>) -> bool {
        // Bridged from `log`: the module path is in `log.target`, the text
        // in `message`.
        let mut aviso = Aviso::default();
        event.record(&mut aviso);
        !(aviso.de_avro && aviso.union_de_un_miembro)
    }
}

#[derive(Default)]
struct Aviso {
    de_avro: bool,
    union_de_un_miembro: bool,
}

impl tracing::field::Visit for Aviso {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "log.target" && value.starts_with("apache_avro::schema") {
            self.de_avro = true;
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}").starts_with(UNION_DE_UN_MIEMBRO) {
            self.union_de_un_miembro = true;
        }
    }
}

#[cfg(feature = "otlp")]
fn otlp_layer() -> Option<(BoxedLayer, opentelemetry_sdk::trace::SdkTracerProvider)> {
    use opentelemetry::trace::TracerProvider;
    use opentelemetry_otlp::WithExportConfig;
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").ok()?;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()
        .map_err(|e| eprintln!("OTLP exporter not started: {e}"))
        .ok()?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("propalpes")
        .build();
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build();
    let tracer = provider.tracer("propalpes");
    opentelemetry::global::set_tracer_provider(provider.clone());
    Some((
        Box::new(tracing_opentelemetry::layer().with_tracer(tracer)),
        provider,
    ))
}

#[cfg(not(feature = "otlp"))]
fn otlp_layer() -> Option<(BoxedLayer, ())> {
    None
}

/// Quiet logs for tests (warnings only unless RUST_LOG says otherwise),
/// captured per test by the test harness.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_test_writer()
                .with_filter(UnionesDeUnMiembro),
        )
        .with(filter)
        .try_init();
}
