use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::projector::TOPICS;
use super::{AvroComandoEncoder, MIGRATIONS, Projector, SqlProyecciones};
use crate::bff_web::SERVICE;
use crate::bff_web::application::{BffCommands, Cambio};
use crate::contracts::{topics, types};
use crate::seedwork::application::{Authenticator, InTransactions, MessageBus};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{ContextStorage, DatabaseUrl, InfraError, RelayHandle};

pub type SqlBffCommands = BffCommands;

/// The running BFF: command sender, projections, change feed, auth.
pub struct BffModule {
    pub commands: Arc<SqlBffCommands>,
    pub proyecciones: SqlProyecciones,
    pub cambios: broadcast::Sender<Cambio>,
    pub auth: Arc<dyn Authenticator>,
    pub storage: ContextStorage,
    relay: RelayHandle,
    metering: (CancellationToken, JoinHandle<()>),
}

impl BffModule {
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
        auth: Arc<dyn Authenticator>,
    ) -> Result<Self, InfraError> {
        check_contract(&codec)?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let proyecciones = SqlProyecciones::new(storage.db.clone());
        let completadas = proyecciones.completar_busqueda().await?;
        if completadas > 0 {
            tracing::info!(
                completadas,
                "search columns filled for rows projected before them"
            );
        }
        let (cambios, _) = broadcast::channel(1024);
        let commands = Arc::new(BffCommands::new(
            storage.uows.clone(),
            proyecciones.clone(),
            AvroComandoEncoder::new(codec.clone()),
            storage.committers(),
        ));
        let projector = Arc::new(InTransactions::new(
            SERVICE,
            storage.uows.clone(),
            Projector::new(proyecciones.clone(), codec, cambios.clone()),
        ));
        for topic in TOPICS {
            bus.subscribe(topic, SERVICE, projector.clone())
                .await
                .map_err(|e| InfraError::Bus(e.to_string()))?;
        }
        let relay = storage.start_relay(SERVICE, bus);
        let cancel = CancellationToken::new();
        let metering = tokio::spawn(meter(proyecciones.clone(), cancel.clone()));
        Ok(Self {
            commands,
            proyecciones,
            cambios,
            auth,
            storage,
            relay,
            metering: (cancel, metering),
        })
    }

    pub async fn shutdown(self) {
        self.metering.0.cancel();
        let _ = self.metering.1.await;
        self.relay.cancel.cancel();
        let _ = self.relay.task.await;
    }
}

/// Projection row counts as gauges, every 2 s while counting is cheap; a
/// count reads every row, so with millions of records it runs less often
/// (≤ 2 % of a core, `periodic::metered`).
async fn meter(proyecciones: SqlProyecciones, cancel: CancellationToken) {
    crate::seedwork::infrastructure::periodic::metered(
        "projection metering",
        Duration::from_secs(2),
        50,
        cancel,
        || meter_once(&proyecciones),
    )
    .await;
}

/// Every known (tipo, estado) and command estado is set each pass, so a
/// group that emptied reads 0 rather than its last value.
async fn meter_once(
    proyecciones: &SqlProyecciones,
) -> Result<(), crate::seedwork::application::StoreError> {
    use crate::bff_web::application::TipoRegistro;
    use crate::bff_web::domain::{EstadoComando, EstadoRegistro};
    let conteos = proyecciones.conteos().await?;
    let count = |rows: &[(String, i64)], key: &str| {
        rows.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n) as f64
    };
    for tipo in TipoRegistro::ALL {
        for estado in EstadoRegistro::ALL {
            let key = format!("{}/{}", tipo.as_str(), estado.as_str());
            metrics::gauge!("propalpes_projection_records", "tipo" => tipo.as_str(), "estado" => estado.as_str())
                .set(count(&conteos.registros, &key));
        }
    }
    for estado in [
        EstadoComando::Aceptado,
        EstadoComando::Procesado,
        EstadoComando::Fallido,
    ] {
        metrics::gauge!("propalpes_bff_commands", "estado" => estado.as_str())
            .set(count(&conteos.comandos, estado.as_str()));
    }
    Ok(())
}

/// The records the BFF writes and reads, with the fields it uses.
const CONTRATO: [(&str, &str, &[&str]); 15] = [
    (
        topics::RECHAZOS_COMANDOS,
        types::COMANDO_RECHAZADO,
        &["id_comando", "motivo"],
    ),
    (
        topics::COMANDOS_REVISIONES,
        types::APROBAR_REVISION,
        &["tipo_entidad", "id_entidad", "motivo", "revisor"],
    ),
    (
        topics::COMANDOS_REVISIONES,
        types::RECHAZAR_REVISION,
        &["tipo_entidad", "id_entidad", "motivo", "revisor"],
    ),
    (
        topics::COMANDOS_REVISIONES,
        types::REABRIR_AUDITORIA,
        &["tipo_entidad", "id_entidad", "motivo", "revisor"],
    ),
    (
        topics::COMANDOS_AUDITORIA,
        types::REGISTRAR_PROPIEDAD,
        &[
            "id_propiedad",
            "nombre",
            "identificacion_catastral",
            "nit",
            "latitud",
            "longitud",
            "direccion",
        ],
    ),
    (
        topics::EVENTOS_PROPIEDADES,
        types::PROPIEDAD_CREADA,
        &[
            "id_propiedad",
            "nombre",
            "identificacion_catastral",
            "nit",
            "estado",
        ],
    ),
    (
        topics::EVENTOS_REGISTROS,
        types::REGISTRO_PROPIEDAD_AVANZADO,
        &[
            "id_propiedad",
            "id_datos_geograficos",
            "estado",
            "paso",
            "motivo",
            "pasos",
            "fecha",
        ],
    ),
    (
        topics::COMANDOS_COMPANIAS,
        types::CREAR_COMPANIA,
        &[
            "id_compania",
            "nombre",
            "email",
            "identificacion",
            "fecha_creacion",
        ],
    ),
    (
        topics::COMANDOS_COMPANIAS,
        types::RECHAZAR_COMPANIA,
        &["id_compania", "motivos"],
    ),
    (
        topics::COMANDOS_GEOGRAFICOS,
        types::CREAR_DATOS_GEOGRAFICOS,
        &[
            "id_datos_geograficos",
            "nombre_propiedad",
            "latitud",
            "longitud",
        ],
    ),
    (
        topics::COMANDOS_GEOGRAFICOS,
        types::RECHAZAR_DATOS_GEOGRAFICOS,
        &["id_datos_geograficos", "motivos"],
    ),
    (
        topics::EVENTOS_COMPANIAS,
        types::COMPANIA_CREADA,
        &["id_compania", "nombre", "email", "identificacion", "estado"],
    ),
    (
        topics::EVENTOS_COMPANIAS,
        types::COMPANIA_RECHAZADA,
        &["id_compania", "motivos", "fecha_actualizacion"],
    ),
    (
        topics::EVENTOS_GEOGRAFICOS,
        types::DATOS_GEOGRAFICOS_CREADOS,
        &[
            "id_datos_geograficos",
            "nombre_propiedad",
            "latitud",
            "longitud",
        ],
    ),
    (
        topics::EVENTOS_AUDITORIA,
        types::AUDITORIA_COMPLETADA,
        &[
            "id_auditoria",
            "tipo_entidad",
            "id_entidad",
            "resultado",
            "hallazgos",
            "fecha",
            "motivo",
            "revisor",
        ],
    ),
];

/// The fields the BFF writes and reads must exist in `schemas/`: checked at
/// start, so a contract change breaks the start, not the first message.
fn check_contract(codec: &AvroCodec) -> Result<(), InfraError> {
    for (topic, record, fields) in CONTRATO {
        codec
            .require_fields(topic, record, fields)
            .map_err(|e| InfraError::Schema {
                file: format!("schemas/{topic}"),
                reason: e.to_string(),
            })?;
    }
    Ok(())
}
