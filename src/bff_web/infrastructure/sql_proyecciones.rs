use async_trait::async_trait;
use sqlx::Row;

use super::escrituras::{Anotacion, ComandoTerminado, Decidido, Escritura};
use super::sql_filas::{AUDITORIA, json_err, row_to_auditoria, row_to_registro};
use super::sql_lista_registros::{self, nombre_y_busqueda};
use crate::bff_web::application::{
    AuditoriaVista, ComandoVista, ConsultaAuditorias, ConsultaRegistros, Cursor, PaginaKeyset,
    PaginaRegistros, Proyecciones, RegistroComandos, RegistroVista, Suceso, TipoRegistro,
};
use crate::bff_web::domain::{EstadoComando, EstadoRegistro};
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::sql_values::{upsert_rows, value_rows};
use crate::seedwork::infrastructure::{Database, SqlUnitOfWork, store_error};

const REGISTRO: &str =
    "tipo, id, campos, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion";
/// The fields of a placeholder row (its audit came before its creation).
const SIN_CAMPOS: &str = "{}";

/// Keeps one of the entries that share a key, in place: a later one
/// replaces the kept one when `replaces(later, kept)`.
fn dedupe_by<T, K: Eq + std::hash::Hash>(
    entries: &mut Vec<&T>,
    key: impl Fn(&T) -> K,
    replaces: impl Fn(&T, &T) -> bool,
) {
    let mut at: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut kept: Vec<&T> = Vec::with_capacity(entries.len());
    for entry in entries.drain(..) {
        match at.get(&key(entry)) {
            Some(&i) if replaces(entry, kept[i]) => kept[i] = entry,
            Some(_) => {}
            None => {
                at.insert(key(entry), kept.len());
                kept.push(entry);
            }
        }
    }
    *entries = kept;
}

/// The BFF's projections on SQLite or Postgres.
#[derive(Clone)]
pub struct SqlProyecciones {
    db: Database,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl SqlProyecciones {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Rows per (tipo, estado) of the projected records, and commands per
    /// estado: what `/metrics` shows of the read side (a growing ACEPTADO
    /// count is commands that never came back).
    pub async fn conteos(&self) -> Result<Conteos, StoreError> {
        let group = |sql: &'static str| async move {
            let rows = sqlx::query(sql)
                .fetch_all(self.db.pool())
                .await
                .map_err(store_error)?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.try_get::<String, _>("k").map_err(store_error)?,
                        r.try_get::<i64, _>("n").map_err(store_error)?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        };
        Ok(Conteos {
            registros: group(
                "SELECT tipo || '/' || estado AS k, COUNT(*) AS n FROM registros GROUP BY tipo, estado",
            )
            .await?,
            comandos: group("SELECT estado AS k, COUNT(*) AS n FROM comandos GROUP BY estado")
                .await?,
        })
    }

    /// A run's writes, one statement per kind, in the order that keeps
    /// each record's own order (created, then decided, then eliminated;
    /// audits touch another table): returns the records that changed.
    pub async fn escribir(
        &self,
        uow: &mut SqlUnitOfWork,
        escrituras: &[&Escritura],
    ) -> Result<Vec<RegistroVista>, StoreError> {
        let mut creados: Vec<&RegistroVista> = Vec::new();
        let mut decididos: Vec<&Decidido> = Vec::new();
        let mut auditorias: Vec<&AuditoriaVista> = Vec::new();
        let mut eliminados = Vec::new();
        for escritura in escrituras {
            match escritura {
                Escritura::Creado(r) => creados.push(r),
                Escritura::Decidido(d) => decididos.push(d),
                Escritura::Eliminado { tipo, id } => eliminados.push((*tipo, id.as_str())),
                Escritura::Auditoria(a) => auditorias.push(a),
            }
        }
        // A repeated creation changes nothing: the first stays.
        dedupe_by(&mut creados, |r| (r.tipo, r.id.clone()), |_, _| false);
        // The newest verdict wins, as one by one.
        dedupe_by(
            &mut decididos,
            |d| (d.tipo, d.id.clone()),
            |new, old| new.fecha >= old.fecha,
        );
        dedupe_by(
            &mut auditorias,
            |a| a.id.clone(),
            |new, old| new.fecha >= old.fecha,
        );
        let mut cambiados = Vec::new();
        for chunk in creados.chunks(100) {
            cambiados.extend(self.registros_creados(uow, chunk).await?);
        }
        for chunk in decididos.chunks(100) {
            cambiados.extend(self.registros_decididos(uow, chunk).await?);
            self.decisiones_cumplidas(uow, chunk).await?;
        }
        for (tipo, id) in eliminados {
            self.registro_eliminado(uow, tipo, id).await?;
        }
        for chunk in auditorias.chunks(100) {
            self.auditorias_completadas(uow, chunk).await?;
        }
        Ok(cambiados)
    }

    /// Records created (idempotent: a replay changes nothing), one
    /// statement. An audit travels on another topic and may have come
    /// first, leaving a placeholder row (no fields) EnRevision: the
    /// creation fills its fields and keeps its estado. Both sides write the
    /// same key with `ON CONFLICT`, so on Postgres the later transaction
    /// waits for the earlier and sees it. Returns the rows that changed.
    async fn registros_creados(
        &self,
        uow: &mut SqlUnitOfWork,
        creados: &[&RegistroVista],
    ) -> Result<Vec<RegistroVista>, StoreError> {
        let sql = format!(
            "INSERT INTO registros ({REGISTRO}, proyectado_en, nombre, busqueda) VALUES {} \
             ON CONFLICT (tipo, id) DO UPDATE SET \
             campos = excluded.campos, nombre = excluded.nombre, busqueda = excluded.busqueda, \
             fecha_creacion = excluded.fecha_creacion, proyectado_en = excluded.proyectado_en \
             WHERE registros.campos = '{SIN_CAMPOS}' RETURNING {REGISTRO}",
            value_rows(creados.len(), 10)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let now = now();
        for r in creados {
            let (nombre, busqueda) = nombre_y_busqueda(r);
            query = query
                .bind(r.tipo.as_str())
                .bind(r.id.clone())
                .bind(serde_json::to_string(&r.campos).map_err(json_err)?)
                .bind(r.estado.clone())
                .bind(serde_json::to_string(&r.motivos_rechazo).map_err(json_err)?)
                .bind(r.fecha_creacion)
                .bind(r.fecha_actualizacion)
                .bind(now)
                .bind(nombre)
                .bind(busqueda);
        }
        let rows = query.fetch_all(uow.conn()).await.map_err(store_error)?;
        rows.iter().map(row_to_registro).collect()
    }

    /// Records approved or rejected, one statement; an older verdict
    /// arriving late (another topic) never overwrites a newer one.
    async fn registros_decididos(
        &self,
        uow: &mut SqlUnitOfWork,
        decididos: &[&Decidido],
    ) -> Result<Vec<RegistroVista>, StoreError> {
        // VALUES columns are column1… on both backends.
        let sql = format!(
            "UPDATE registros SET estado = v.column3, motivos_rechazo = v.column4, \
             fecha_actualizacion = v.column5, proyectado_en = v.column6 FROM (VALUES {}) AS v \
             WHERE registros.tipo = v.column1 AND registros.id = v.column2 \
             AND registros.fecha_actualizacion <= v.column5 RETURNING {REGISTRO}",
            value_rows(decididos.len(), 6)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let now = now();
        for d in decididos {
            query = query
                .bind(d.tipo.as_str())
                .bind(d.id.clone())
                .bind(d.estado)
                .bind(serde_json::to_string(&d.motivos).map_err(json_err)?)
                .bind(d.fecha)
                .bind(now);
        }
        let rows = query.fetch_all(uow.conn()).await.map_err(store_error)?;
        rows.iter().map(row_to_registro).collect()
    }

    /// Every decision of the decided kind (e.g. AprobarCompania) for a
    /// record now decided so is done: the one that caused the event, any
    /// repeat (which the source context applied as a no-op that emits
    /// nothing), and one that had failed (it arrived too early and was
    /// dead-lettered, or a replay applied it): the record is what it
    /// asked for. One statement for the run.
    async fn decisiones_cumplidas(
        &self,
        uow: &mut SqlUnitOfWork,
        decididos: &[&Decidido],
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE comandos SET estado = 'PROCESADO', error = NULL, fecha_actualizacion = v.column3 \
             FROM (VALUES {}) AS v WHERE comandos.id_entidad = v.column2 AND comandos.tipo = v.column1 \
             AND comandos.estado IN ('ACEPTADO', 'FALLIDO')",
            value_rows(decididos.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let now = now();
        for d in decididos {
            query = query
                .bind(d.tipo_comando.clone())
                .bind(d.id.clone())
                .bind(now);
        }
        query.execute(uow.conn()).await.map_err(store_error)?;
        Ok(())
    }

    /// Audits, one statement, and their findings, one more: a later
    /// verdict of an audit (an auditor's) replaces an older one, never the
    /// other way round.
    async fn auditorias_completadas(
        &self,
        uow: &mut SqlUnitOfWork,
        auditorias: &[&AuditoriaVista],
    ) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(auditorias.len());
        let mut hallazgos = Vec::new();
        for a in auditorias {
            rows.push(fila_de_auditoria(a)?);
            for (campo, problema) in &a.hallazgos {
                hallazgos.push(vec![
                    a.id.as_str().into(),
                    campo.as_str().into(),
                    problema.as_str().into(),
                ]);
            }
        }
        let columns = [
            "id",
            "tipo_entidad",
            "id_entidad",
            "resultado",
            "hallazgos",
            "fecha",
            "motivo",
            "revisor",
        ];
        upsert_rows(
            uow.conn(),
            "auditorias",
            &columns,
            "auditoria",
            rows,
            "ON CONFLICT (id) DO UPDATE SET resultado = excluded.resultado, fecha = excluded.fecha, \
             motivo = excluded.motivo, revisor = excluded.revisor WHERE auditorias.fecha <= excluded.fecha",
        )
        .await?;
        if hallazgos.is_empty() {
            return Ok(());
        }
        let columns = ["id_auditoria", "campo", "problema"];
        upsert_rows(
            uow.conn(),
            "hallazgos",
            &columns,
            "hallazgo",
            hallazgos,
            "ON CONFLICT DO NOTHING",
        )
        .await
    }

    /// The rules left a record to a person: a Pendiente record (or the
    /// placeholder of one not projected yet) becomes EnRevision; a record
    /// already decided (by hand, meanwhile) keeps its decision.
    pub async fn registro_en_revision(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoRegistro,
        id: &str,
        fecha: i64,
    ) -> Result<Option<RegistroVista>, StoreError> {
        // A record already eliminated gets no placeholder (its audit came late).
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO registros ({REGISTRO}, proyectado_en, nombre, busqueda) \
             SELECT $1, $2, '{SIN_CAMPOS}', 'EnRevision', '[]', $3, $3, $4, '', '' \
             WHERE NOT EXISTS (SELECT 1 FROM registros_eliminados WHERE tipo = $1 AND id = $2) \
             ON CONFLICT (tipo, id) DO UPDATE SET estado = 'EnRevision', \
             fecha_actualizacion = excluded.fecha_actualizacion, proyectado_en = excluded.proyectado_en \
             WHERE registros.estado = 'Pendiente' AND registros.fecha_actualizacion <= excluded.fecha_actualizacion \
             RETURNING {REGISTRO}"
        )))
        .bind(tipo.as_str())
        .bind(id)
        .bind(fecha)
        .bind(now())
        .fetch_optional(uow.conn())
        .await
        .map_err(store_error)?;
        if row.is_some() && self.placeholder_de_eliminado(uow, tipo, id).await? {
            return Ok(None);
        }
        row.as_ref().map(row_to_registro).transpose()
    }

    /// On Postgres an elimination committing while the insert above ran is
    /// invisible to its `NOT EXISTS` (the statement's snapshot), yet the
    /// insert waited for it on the row it deleted: a statement of its own
    /// sees the mark and takes the placeholder back.
    async fn placeholder_de_eliminado(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<bool, StoreError> {
        let borrado = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM registros WHERE tipo = $1 AND id = $2 AND campos = '{SIN_CAMPOS}' \
             AND EXISTS (SELECT 1 FROM registros_eliminados WHERE tipo = $1 AND id = $2)"
        )))
        .bind(tipo.as_str())
        .bind(id)
        .execute(uow.conn())
        .await
        .map_err(store_error)?;
        Ok(borrado.rows_affected() > 0)
    }

    /// What a run of events did to records, in one statement per 256 lines
    /// (idempotent on the event's id).
    pub async fn sucesos(
        &self,
        uow: &mut SqlUnitOfWork,
        anotaciones: &[&Anotacion],
    ) -> Result<(), StoreError> {
        for chunk in anotaciones.chunks(256) {
            // Safe: the text holds only generated placeholders.
            let sql = format!(
                "INSERT INTO historial (id_evento, tipo, id_entidad, evento, detalle, fecha) \
                 VALUES {} ON CONFLICT (id_evento) DO NOTHING",
                value_rows(chunk.len(), 6)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for a in chunk {
                query = query
                    .bind(&a.id_evento)
                    .bind(&a.tipo)
                    .bind(&a.id_entidad)
                    .bind(&a.suceso.evento)
                    .bind(&a.suceso.detalle)
                    .bind(a.suceso.fecha);
            }
            query.execute(uow.conn()).await.map_err(store_error)?;
        }
        Ok(())
    }

    /// Fills the search columns of rows projected before they existed.
    pub async fn completar_busqueda(&self) -> Result<usize, StoreError> {
        sql_lista_registros::completar_busqueda(&self.db).await
    }

    /// A record was approved, rejected or sent to review; an older verdict
    /// arriving late (another topic) never overwrites a newer one.
    pub async fn registro_decidido(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoRegistro,
        id: &str,
        estado: &str,
        motivos: &[String],
        fecha: i64,
    ) -> Result<Option<RegistroVista>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE registros SET estado = $1, motivos_rechazo = $2, fecha_actualizacion = $3, proyectado_en = $6 \
             WHERE tipo = $4 AND id = $5 AND fecha_actualizacion <= $3 RETURNING {REGISTRO}"
        )))
        .bind(estado)
        .bind(serde_json::to_string(motivos).map_err(json_err)?)
        .bind(fecha)
        .bind(tipo.as_str())
        .bind(id)
        .bind(now())
        .fetch_optional(uow.conn())
        .await
        .map_err(store_error)?;
        row.as_ref().map(row_to_registro).transpose()
    }

    /// A saga's compensation took the record away: it leaves the projection
    /// (its history stays in the event stream) and a mark that keeps a late
    /// audit from bringing it back as a placeholder.
    pub async fn registro_eliminado(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO registros_eliminados (tipo, id, eliminado_en) VALUES ($1, $2, $3) \
             ON CONFLICT (tipo, id) DO NOTHING",
        )
        .bind(tipo.as_str())
        .bind(id)
        .bind(now())
        .execute(uow.conn())
        .await
        .map_err(store_error)?;
        sqlx::query("DELETE FROM registros WHERE tipo = $1 AND id = $2")
            .bind(tipo.as_str())
            .bind(id)
            .execute(uow.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    /// Commands the BFF sent that produced an event (PROCESADO) or were
    /// refused or dead-lettered (FALLIDO): a run's at once, one statement.
    /// ACEPTADO moves on once; a FALLIDO command that a replay applied
    /// after all is PROCESADO; PROCESADO never changes. So within a run
    /// PROCESADO wins and otherwise the first FALLIDO does, whatever order
    /// they are written in.
    pub async fn comandos_terminados(
        &self,
        uow: &mut SqlUnitOfWork,
        terminados: &[&ComandoTerminado],
    ) -> Result<(), StoreError> {
        let mut finales: Vec<&ComandoTerminado> = Vec::with_capacity(terminados.len());
        for t in terminados {
            match finales.iter_mut().find(|f| f.id == t.id) {
                Some(f) if t.estado == EstadoComando::Procesado => *f = t,
                Some(_) => {}
                None => finales.push(t),
            }
        }
        let now = now();
        for chunk in finales.chunks(256) {
            // Safe: the text holds only generated placeholders.
            let sql = format!(
                "UPDATE comandos SET estado = v.column2, error = v.column3, fecha_actualizacion = v.column4 \
                 FROM (VALUES {}) AS v WHERE comandos.id = v.column1 \
                 AND (comandos.estado = 'ACEPTADO' OR (comandos.estado = 'FALLIDO' AND v.column2 = 'PROCESADO'))",
                value_rows(chunk.len(), 4)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for t in chunk {
                query = query
                    .bind(t.id.as_str())
                    .bind(t.estado.as_str())
                    .bind(t.error.clone())
                    .bind(now);
            }
            query.execute(uow.conn()).await.map_err(store_error)?;
        }
        Ok(())
    }

    /// A property registration's latest state (an older one, re-delivered,
    /// changes nothing); whether it changed.
    pub async fn registro_propiedad_avanzado(
        &self,
        uow: &mut SqlUnitOfWork,
        vista: &crate::bff_web::application::RegistroPropiedadVista,
    ) -> Result<bool, StoreError> {
        super::sql_registros_propiedad::registro_avanzado(uow, vista).await
    }

    /// The BFF's registration of a property ended (its saga's end state).
    pub async fn registro_terminado(
        &self,
        uow: &mut SqlUnitOfWork,
        id_propiedad: &str,
        estado: EstadoComando,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE comandos SET estado = $1, error = $2, fecha_actualizacion = $3 \
             WHERE tipo = $4 AND id_entidad = $5 \
             AND (estado = 'ACEPTADO' OR (estado = 'FALLIDO' AND $1 = 'PROCESADO'))",
        )
        .bind(estado.as_str())
        .bind(error.map(str::to_owned))
        .bind(now())
        .bind(crate::contracts::types::REGISTRAR_PROPIEDAD)
        .bind(id_propiedad)
        .execute(uow.conn())
        .await
        .map_err(store_error)?;
        Ok(())
    }

    /// Empties the projections (and the projector's inbox) before a replay.
    pub async fn vaciar(&self, consumers: &[&str]) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await.map_err(store_error)?;
        for table in [
            "registros",
            "registros_eliminados",
            "historial",
            "auditorias",
            "hallazgos",
            "registros_propiedad",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        for consumer in consumers {
            sqlx::query("DELETE FROM inbox WHERE consumer = $1")
                .bind(*consumer)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)
    }
}

#[async_trait]
impl RegistroComandos for SqlProyecciones {
    type Uow = SqlUnitOfWork;

    async fn registrar(
        &self,
        uow: &mut SqlUnitOfWork,
        id: &str,
        tipo: &str,
        id_entidad: &str,
        estado: EstadoComando,
    ) -> Result<(), StoreError> {
        // Written at commit with the group's other commands (one statement).
        let now = now();
        uow.append_row(
            "comandos",
            &[
                "id",
                "tipo",
                "id_entidad",
                "estado",
                "fecha_creacion",
                "fecha_actualizacion",
            ],
            vec![
                id.into(),
                tipo.into(),
                id_entidad.into(),
                estado.as_str().into(),
                now.into(),
                now.into(),
            ],
        );
        Ok(())
    }

    async fn parte_de_registro(
        &self,
        uow: &mut SqlUnitOfWork,
        id: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM registros_propiedad WHERE id_propiedad = $1 OR id_datos_geograficos = $1",
        )
        .bind(id)
        .fetch_optional(uow.conn())
        .await
        .map_err(store_error)?;
        Ok(found.is_some())
    }

    async fn estado_registro(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<Option<EstadoRegistro>, StoreError> {
        let estado: Option<String> =
            sqlx::query_scalar("SELECT estado FROM registros WHERE tipo = $1 AND id = $2")
                .bind(tipo.as_str())
                .bind(id)
                .fetch_optional(uow.conn())
                .await
                .map_err(store_error)?;
        // Parsed once: an estado the projection never writes is a corrupt row.
        estado
            .map(|e| {
                EstadoRegistro::leer(&e).ok_or_else(|| {
                    StoreError::Backend(format!("stored registro has unknown estado {e:?}"))
                })
            })
            .transpose()
    }
}

#[async_trait]
impl Proyecciones for SqlProyecciones {
    async fn registros(
        &self,
        tipo: TipoRegistro,
        consulta: &ConsultaRegistros,
    ) -> Result<PaginaRegistros, StoreError> {
        sql_lista_registros::registros(&self.db, tipo, consulta).await
    }

    async fn historial(&self, id: &str) -> Result<Vec<Suceso>, StoreError> {
        sql_lista_registros::historial(&self.db, id).await
    }

    async fn registro(
        &self,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<Option<RegistroVista>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REGISTRO} FROM registros WHERE tipo = $1 AND id = $2"
        )))
        .bind(tipo.as_str())
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(store_error)?;
        row.as_ref().map(row_to_registro).transpose()
    }

    async fn auditorias(
        &self,
        consulta: &ConsultaAuditorias,
    ) -> Result<PaginaKeyset<AuditoriaVista>, StoreError> {
        sql_lista_registros::auditorias(&self.db, consulta).await
    }

    async fn auditorias_de(&self, ids: &[String]) -> Result<Vec<AuditoriaVista>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDITORIA} FROM auditorias WHERE id_entidad IN ({})",
            placeholders.join(", ")
        )));
        for id in ids {
            query = query.bind(id.clone());
        }
        let rows = query.fetch_all(self.db.pool()).await.map_err(store_error)?;
        rows.iter().map(row_to_auditoria).collect()
    }

    async fn reporte_faltantes(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.tipo_entidad, h.campo, h.problema, COUNT(*) AS total FROM hallazgos h \
             JOIN auditorias a ON a.id = h.id_auditoria GROUP BY a.tipo_entidad, h.campo, h.problema \
             ORDER BY total DESC, a.tipo_entidad, h.campo, h.problema",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("tipo_entidad").map_err(store_error)?,
                    r.try_get("campo").map_err(store_error)?,
                    r.try_get("problema").map_err(store_error)?,
                    r.try_get("total").map_err(store_error)?,
                ))
            })
            .collect()
    }

    async fn registros_propiedad(
        &self,
        estado: Option<crate::bff_web::domain::EtapaRegistro>,
        despues: Option<&Cursor>,
        limite: i64,
    ) -> Result<PaginaKeyset<crate::bff_web::application::RegistroPropiedadVista>, StoreError> {
        super::sql_registros_propiedad::registros_propiedad(&self.db, estado, despues, limite).await
    }

    async fn registro_propiedad(
        &self,
        id_propiedad: &str,
    ) -> Result<Option<crate::bff_web::application::RegistroPropiedadVista>, StoreError> {
        super::sql_registros_propiedad::registro_propiedad(&self.db, id_propiedad).await
    }

    async fn comando(&self, id: &str) -> Result<Option<ComandoVista>, StoreError> {
        let row =
            sqlx::query("SELECT id, tipo, id_entidad, estado, error FROM comandos WHERE id = $1")
                .bind(id)
                .fetch_optional(self.db.pool())
                .await
                .map_err(store_error)?;
        row.map(|r| {
            let text = |c: &str| r.try_get::<String, _>(c).map_err(store_error);
            Ok(ComandoVista {
                id: text("id")?,
                tipo: text("tipo")?,
                id_entidad: text("id_entidad")?,
                estado: text("estado")?.parse().map_err(StoreError::Backend)?,
                error: r
                    .try_get::<Option<String>, _>("error")
                    .map_err(store_error)?,
            })
        })
        .transpose()
    }
}

/// Fields of a created record, read from its event.
/// An audit as its row (the columns of `AUDITORIA`, in order).
fn fila_de_auditoria(
    a: &AuditoriaVista,
) -> Result<Vec<crate::seedwork::infrastructure::sql_values::SqlValue>, StoreError> {
    Ok(vec![
        a.id.as_str().into(),
        a.tipo_entidad.as_str().into(),
        a.id_entidad.as_str().into(),
        a.resultado.as_str().into(),
        serde_json::to_string(&a.hallazgos)
            .map_err(json_err)?
            .into(),
        a.fecha.into(),
        a.motivo.clone().into(),
        a.revisor.clone().into(),
    ])
}

/// Row counts of the projections (see `SqlProyecciones::conteos`).
#[derive(Debug, Clone, Default)]
pub struct Conteos {
    /// ("Compania/Rechazada", rows), ...
    pub registros: Vec<(String, i64)>,
    /// ("ACEPTADO", rows), ...
    pub comandos: Vec<(String, i64)>,
}
