//! The record of dead letters an operator discarded (who, why, when, and
//! what the letter carried), in the BFF's own database; and how a letter's
//! bytes read as JSON.

use sqlx::Row;

use crate::bff_web::application::{CartaDescartada, CartaMuerta, OperacionError};
use crate::seedwork::infrastructure::Database;
use crate::seedwork::infrastructure::avro::AvroCodec;

/// A letter's envelope and data as indented JSON, or why it does not
/// decode (a poison message often does not).
pub fn contenido(codec: &AvroCodec, topic: &str, version: u32, payload: &[u8]) -> String {
    match codec.decode(topic, version, payload) {
        Ok(decoded) => serde_json::to_string_pretty(&decoded.as_json()).unwrap_or_default(),
        Err(e) => format!("(no se pudo decodificar: {e}; {} bytes)", payload.len()),
    }
}

fn registro(e: sqlx::Error) -> OperacionError {
    OperacionError::Registro(e.to_string())
}

#[derive(Clone)]
pub struct SqlDescartes {
    db: Database,
}

impl SqlDescartes {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Records a discard before the letter leaves the bus (a repeat is a
    /// no-op), so a discard is never lost from the record.
    pub async fn anotar(&self, d: &CartaDescartada) -> Result<(), OperacionError> {
        let c = &d.carta;
        sqlx::query(
            "INSERT INTO cartas_descartadas (topic, id, suscripcion, tipo, error, contenido, \
             descartada_por, razon, fecha) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (topic, id) DO NOTHING",
        )
        .bind(&c.topic)
        .bind(&c.id)
        .bind(&c.suscripcion)
        .bind(&c.tipo)
        .bind(&c.motivo)
        .bind(&c.contenido)
        .bind(&d.descartada_por)
        .bind(&d.razon)
        .bind(d.fecha)
        .execute(self.db.writer())
        .await
        .map_err(registro)?;
        Ok(())
    }

    /// Undoes a record whose letter was gone from the bus after all.
    pub async fn olvidar(&self, topic: &str, id: &str) -> Result<(), OperacionError> {
        sqlx::query("DELETE FROM cartas_descartadas WHERE topic = $1 AND id = $2")
            .bind(topic)
            .bind(id)
            .execute(self.db.writer())
            .await
            .map_err(registro)?;
        Ok(())
    }

    /// The latest 100 discards, newest first.
    pub async fn listar(&self) -> Result<Vec<CartaDescartada>, OperacionError> {
        let rows = sqlx::query(
            "SELECT topic, id, suscripcion, tipo, error, contenido, descartada_por, razon, fecha \
             FROM cartas_descartadas ORDER BY fecha DESC LIMIT 100",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(registro)?;
        rows.iter()
            .map(fila)
            .collect::<Result<_, _>>()
            .map_err(registro)
    }
}

fn fila(r: &sqlx::any::AnyRow) -> Result<CartaDescartada, sqlx::Error> {
    Ok(CartaDescartada {
        carta: CartaMuerta {
            id: r.try_get("id")?,
            topic: r.try_get("topic")?,
            suscripcion: r.try_get("suscripcion")?,
            tipo: r.try_get("tipo")?,
            motivo: r.try_get("error")?,
            intentos: 0,
            fecha: r.try_get("fecha")?,
            contenido: r.try_get("contenido")?,
        },
        descartada_por: r.try_get("descartada_por")?,
        razon: r.try_get("razon")?,
        fecha: r.try_get("fecha")?,
    })
}
