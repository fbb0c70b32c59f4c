use std::sync::Arc;

use sqlx::migrate::Migrator;

use super::{
    RegistroAvroEvents, RegistroCommandDecoder, SqlRegistroReadModel, SqlRegistroRepository,
};
use crate::seedwork::application::review::{ReviewCommands, ReviewQueries};
use crate::seedwork::application::{Dispatcher, InTransactions, MessageBus};
use crate::seedwork::domain::{DatosRegistro, Registro};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, ReviewCommandConsumer,
    SqlUnitOfWorkFactory,
};

pub type SqlRegistroHandlers<D> = ReviewCommands<SqlRegistroRepository<D>, RegistroAvroEvents<D>>;
pub type SqlRegistroCommands<D> = Dispatcher<SqlUnitOfWorkFactory, Arc<SqlRegistroHandlers<D>>>;
pub type SqlRegistroQueries<D> = ReviewQueries<SqlRegistroReadModel<D>>;

/// A context's service name, topics and table.
#[derive(Debug, Clone, Copy)]
pub struct RegistroNames {
    pub service: &'static str,
    pub command_topic: &'static str,
    pub event_topic: &'static str,
    pub table: &'static str,
}

/// The context's Rust mapping must match its schemas; checked at start.
fn check_contract<D: DatosRegistro>(
    names: &RegistroNames,
    codec: &AvroCodec,
) -> Result<(), InfraError> {
    // Writing the newest version, every field must be in it (a renamed
    // optional field would otherwise be dropped silently); a writer pinned
    // to an older version (rolling upgrade) lacks the optional ones.
    let writes_latest = |topic: &str| {
        codec.writer_version(topic).ok()
            == codec.registry().topic(topic).map(|t| t.latest_version())
    };
    let required: Vec<&str> = D::FIELDS
        .iter()
        .copied()
        .filter(|f| {
            !D::OPTIONAL_FIELDS.contains(f)
                || (writes_latest(names.command_topic) && writes_latest(names.event_topic))
        })
        .collect();
    let mut created = required.clone();
    created.extend([D::ID_FIELD, "estado", "fecha_creacion"]);
    let checks: [(&str, &str, Vec<&str>); 6] = [
        (
            names.command_topic,
            D::CREAR,
            [&[D::ID_FIELD][..], &required].concat(),
        ),
        (names.command_topic, D::APROBAR, vec![D::ID_FIELD]),
        (
            names.command_topic,
            D::RECHAZAR,
            vec![D::ID_FIELD, "motivos"],
        ),
        (names.event_topic, D::CREADO, created),
        (
            names.event_topic,
            D::APROBADO,
            vec![D::ID_FIELD, "estado", "fecha_actualizacion"],
        ),
        (
            names.event_topic,
            D::RECHAZADO,
            vec![D::ID_FIELD, "estado", "motivos", "fecha_actualizacion"],
        ),
    ];
    for (topic, record, fields) in checks {
        codec
            .require_fields(topic, record, &fields)
            .map_err(|e| InfraError::Schema {
                file: format!("schemas/{topic}"),
                reason: e.to_string(),
            })?;
    }
    Ok(())
}

/// A running registered-record context: handlers, storage and relay.
pub struct RegistroModule<D: DatosRegistro> {
    pub commands: Arc<SqlRegistroCommands<D>>,
    pub queries: Arc<SqlRegistroQueries<D>>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl<D: DatosRegistro> RegistroModule<D> {
    /// Opens the database, subscribes to the command topic, starts the relay.
    pub async fn start(
        names: RegistroNames,
        migrations: &Migrator,
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        check_contract::<D>(&names, &codec)?;
        let storage = ContextStorage::open(url, migrations).await?;
        let handlers = Arc::new(ReviewCommands::new(
            SqlRegistroRepository::<D>::new(names.table),
            RegistroAvroEvents::<D>::new(codec.clone(), names.event_topic, names.service),
        ));
        let commands = Arc::new(Dispatcher::new(storage.uows.clone(), handlers.clone()));
        let queries = Arc::new(ReviewQueries::new(
            D::KIND,
            SqlRegistroReadModel::<D>::new(storage.db.clone(), names.table),
        ));
        let consumer = ReviewCommandConsumer::<Registro<D>, _, _, _>::new(
            handlers,
            RegistroCommandDecoder::<D>::new(codec),
        );
        let consumer = InTransactions::new(names.service, storage.uows.clone(), consumer);
        bus.subscribe(names.command_topic, names.service, Arc::new(consumer))
            .await
            .map_err(|e| InfraError::Bus(e.to_string()))?;
        let relay = storage.start_relay(names.service, bus);
        Ok(Self {
            commands,
            queries,
            storage,
            relay,
        })
    }

    /// Stops the relay after flushing what is committed.
    pub async fn shutdown(self) {
        self.relay.cancel.cancel();
        let _ = self.relay.task.await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::companias::domain::DatosCompania;
    use crate::seedwork::domain::FieldError;
    use crate::seedwork::infrastructure::avro::SchemaRegistry;

    /// Companies with an optional field no schema has.
    #[derive(Debug, Clone, PartialEq)]
    struct ConFax;

    impl DatosRegistro for ConFax {
        const KIND: &'static str = DatosCompania::KIND;
        const ID_FIELD: &'static str = DatosCompania::ID_FIELD;
        const FIELDS: &'static [&'static str] = &["nombre", "email", "identificacion", "fax"];
        const OPTIONAL_FIELDS: &'static [&'static str] = &["fax"];
        const CREAR: &'static str = DatosCompania::CREAR;
        const APROBAR: &'static str = DatosCompania::APROBAR;
        const RECHAZAR: &'static str = DatosCompania::RECHAZAR;
        const CREADO: &'static str = DatosCompania::CREADO;
        const APROBADO: &'static str = DatosCompania::APROBADO;
        const RECHAZADO: &'static str = DatosCompania::RECHAZADO;

        fn parse(_: &dyn Fn(&str) -> String) -> Result<Self, FieldError> {
            Ok(Self)
        }

        fn field(&self, _: &str) -> &str {
            ""
        }
    }

    fn codec() -> AvroCodec {
        AvroCodec::new(Arc::new(SchemaRegistry::embedded().expect("schemas")))
    }

    #[test]
    fn the_mapping_matches_the_newest_schemas() {
        let names = crate::companias::infrastructure::NAMES;
        assert!(check_contract::<DatosCompania>(&names, &codec()).is_ok());
        let missing = check_contract::<ConFax>(&names, &codec()).unwrap_err();
        assert!(missing.to_string().contains("fax"), "{missing}");
    }

    #[test]
    fn a_writer_pinned_to_v1_needs_no_optional_field() {
        let names = crate::companias::infrastructure::NAMES;
        let pinned = codec()
            .with_writer_version(names.command_topic, 1)
            .with_writer_version(names.event_topic, 1);
        assert!(check_contract::<DatosCompania>(&names, &pinned).is_ok());
        assert!(check_contract::<ConFax>(&names, &pinned).is_ok());
    }
}
