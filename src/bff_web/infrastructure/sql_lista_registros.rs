//! The reviewer's lists: keyset pages of the projected records with their
//! filters, total and search; a record's history.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_filas::{AUDITORIA, row_to_auditoria, row_to_registro};
use crate::bff_web::application::{
    AuditoriaVista, ConsultaAuditorias, ConsultaRegistros, Cursor, Orden, PaginaKeyset,
    PaginaRegistros, RegistroVista, Suceso, TipoRegistro,
};
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::{Database, store_error};

const COLUMNAS: &str =
    "tipo, id, campos, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, nombre";

/// A value bound to a `$n` placeholder.
enum Valor {
    Texto(String),
    Numero(i64),
}

/// A WHERE clause built piece by piece with its bound values.
struct Filtro {
    condiciones: Vec<String>,
    valores: Vec<Valor>,
}

impl Filtro {
    fn new() -> Self {
        Self {
            condiciones: Vec::new(),
            valores: Vec::new(),
        }
    }

    /// The next placeholder, bound to `valor`.
    fn ligar(&mut self, valor: Valor) -> String {
        self.valores.push(valor);
        format!("${}", self.valores.len())
    }

    fn y(&mut self, condicion: String) {
        self.condiciones.push(condicion);
    }

    /// The conditions joined; none is every row.
    fn sql(&self) -> String {
        match self.condiciones.is_empty() {
            true => "1 = 1".to_owned(),
            false => self.condiciones.join(" AND "),
        }
    }

    fn query<'q>(
        &'q self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for valor in &self.valores {
            query = match valor {
                Valor::Texto(t) => query.bind(t.as_str()),
                Valor::Numero(n) => query.bind(*n),
            };
        }
        query
    }
}

/// The name a record is sorted by, and the lowercase text it is found by
/// (its id and every field: name, NIT, identificación catastral ...).
pub fn nombre_y_busqueda(r: &RegistroVista) -> (String, String) {
    let campo = match r.tipo {
        TipoRegistro::DatosGeograficos => "nombre_propiedad",
        TipoRegistro::Compania | TipoRegistro::Propiedad => "nombre",
    };
    let nombre = r.campos.get(campo).cloned().unwrap_or_default();
    let mut busqueda = r.id.to_lowercase();
    for valor in r.campos.values().filter(|v| !v.is_empty()) {
        busqueda.push('\n');
        busqueda.push_str(&valor.to_lowercase());
    }
    (nombre, busqueda)
}

/// `%texto%` for LIKE, its own `%`, `_` and `\` taken literally.
fn patron(texto: &str) -> String {
    let mut p = String::from("%");
    for c in texto.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The filters shared by the page and its total.
fn filtro(tipo: TipoRegistro, c: &ConsultaRegistros) -> Filtro {
    let mut f = Filtro::new();
    let t = f.ligar(Valor::Texto(tipo.as_str().to_owned()));
    f.y(format!("tipo = {t}"));
    if let Some(estado) = &c.estado {
        let e = f.ligar(Valor::Texto(estado.clone()));
        f.y(format!("estado = {e}"));
    }
    if let Some((campo, problema)) = &c.hallazgo {
        let (ca, pr) = (
            f.ligar(Valor::Texto(campo.clone())),
            f.ligar(Valor::Texto(problema.clone())),
        );
        f.y(format!(
            "EXISTS (SELECT 1 FROM auditorias a JOIN hallazgos h ON h.id_auditoria = a.id \
             WHERE a.id_entidad = registros.id AND h.campo = {ca} AND h.problema = {pr})"
        ));
    }
    if let Some(buscar) = c.buscar.as_deref().filter(|b| !b.trim().is_empty()) {
        let b = f.ligar(Valor::Texto(patron(buscar)));
        f.y(format!("busqueda LIKE {b} ESCAPE '\\'"));
    }
    f
}

/// The sort column, its direction, and the key of a row for its cursor.
fn orden_sql(orden: Orden) -> (&'static str, &'static str) {
    match orden {
        Orden::Recientes => ("fecha_creacion", "DESC"),
        Orden::Antiguos => ("fecha_creacion", "ASC"),
        Orden::NombreAsc => ("nombre", "ASC"),
        Orden::NombreDesc => ("nombre", "DESC"),
    }
}

/// Rows after the cursor, in the page's order (ties broken by id).
fn despues_de(f: &mut Filtro, orden: Orden, cursor: &Cursor) -> Result<(), StoreError> {
    let (columna, direccion) = orden_sql(orden);
    let op = if direccion == "DESC" { "<" } else { ">" };
    let clave = if columna == "fecha_creacion" {
        Valor::Numero(
            cursor
                .clave
                .parse()
                .map_err(|_| StoreError::Backend(format!("bad cursor key {:?}", cursor.clave)))?,
        )
    } else {
        Valor::Texto(cursor.clave.clone())
    };
    let (k, id) = (f.ligar(clave), f.ligar(Valor::Texto(cursor.id.clone())));
    f.y(format!(
        "({columna} {op} {k} OR ({columna} = {k} AND id {op} {id}))"
    ));
    Ok(())
}

/// How many rows of `tabla` match the filter (all pages).
async fn contar(db: &Database, tabla: &str, f: &Filtro) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) AS n FROM {tabla} WHERE {}", f.sql());
    f.query(&sql)
        .fetch_one(db.pool())
        .await
        .map_err(store_error)?
        .try_get("n")
        .map_err(store_error)
}

/// Reads a page: one row more than asked, to know whether more follow;
/// each row with its cursor.
async fn leer_pagina<T>(
    db: &Database,
    mut f: Filtro,
    consulta: impl FnOnce(&Filtro, &str) -> String,
    limite: i64,
    fila: impl Fn(&AnyRow) -> Result<(Cursor, T), StoreError>,
) -> Result<(Vec<(Cursor, T)>, bool), StoreError> {
    let limit = f.ligar(Valor::Numero(limite + 1));
    let sql = consulta(&f, &limit);
    let rows = f
        .query(&sql)
        .fetch_all(db.pool())
        .await
        .map_err(store_error)?;
    let hay_mas = rows.len() as i64 > limite;
    let items = rows
        .iter()
        .take(limite as usize)
        .map(fila)
        .collect::<Result<_, _>>()?;
    Ok((items, hay_mas))
}

pub async fn registros(
    db: &Database,
    tipo: TipoRegistro,
    c: &ConsultaRegistros,
) -> Result<PaginaRegistros, StoreError> {
    let total = contar(db, "registros", &filtro(tipo, c)).await?;
    let mut pagina = filtro(tipo, c);
    if let Some(cursor) = &c.despues {
        despues_de(&mut pagina, c.orden, cursor)?;
    }
    let (columna, direccion) = orden_sql(c.orden);
    let consulta = |f: &Filtro, limite: &str| {
        format!(
            "SELECT {COLUMNAS} FROM registros WHERE {} ORDER BY {columna} {direccion}, \
             id {direccion} LIMIT {limite}",
            f.sql()
        )
    };
    let (items, hay_mas) = leer_pagina(db, pagina, consulta, c.limite, |row| {
        let vista = row_to_registro(row)?;
        let clave = if columna == "nombre" {
            row.try_get::<String, _>("nombre").map_err(store_error)?
        } else {
            vista.fecha_creacion.to_string()
        };
        let id = vista.id.clone();
        Ok((Cursor { clave, id }, vista))
    })
    .await?;
    Ok(PaginaRegistros {
        items,
        total,
        hay_mas,
    })
}

/// The filters of the audits list, shared by the page and its total.
fn filtro_auditorias(c: &ConsultaAuditorias) -> Filtro {
    let mut f = Filtro::new();
    if let Some(r) = &c.resultado {
        let r = f.ligar(Valor::Texto(r.clone()));
        f.y(format!("resultado = {r}"));
    }
    if let Some(t) = c.tipo {
        let t = f.ligar(Valor::Texto(t.as_str().to_owned()));
        f.y(format!("tipo_entidad = {t}"));
    }
    if let Some((campo, problema)) = &c.hallazgo {
        let (ca, pr) = (
            f.ligar(Valor::Texto(campo.clone())),
            f.ligar(Valor::Texto(problema.clone())),
        );
        f.y(format!(
            "EXISTS (SELECT 1 FROM hallazgos h WHERE h.id_auditoria = auditorias.id \
             AND h.campo = {ca} AND h.problema = {pr})"
        ));
    }
    f
}

/// A keyset page of audits, newest verdict first, by resultado, kind and
/// finding.
pub async fn auditorias(
    db: &Database,
    c: &ConsultaAuditorias,
) -> Result<PaginaKeyset<AuditoriaVista>, StoreError> {
    let total = contar(db, "auditorias", &filtro_auditorias(c)).await?;
    let mut pagina = filtro_auditorias(c);
    if let Some(cursor) = &c.despues {
        let fecha: i64 = cursor
            .clave
            .parse()
            .map_err(|_| StoreError::Backend(format!("bad cursor key {:?}", cursor.clave)))?;
        let (k, id) = (
            pagina.ligar(Valor::Numero(fecha)),
            pagina.ligar(Valor::Texto(cursor.id.clone())),
        );
        pagina.y(format!("(fecha < {k} OR (fecha = {k} AND id < {id}))"));
    }
    let consulta = |f: &Filtro, limite: &str| {
        format!(
            "SELECT {AUDITORIA} FROM auditorias WHERE {} ORDER BY fecha DESC, id DESC LIMIT {limite}",
            f.sql()
        )
    };
    let (items, hay_mas) = leer_pagina(db, pagina, consulta, c.limite, |row| {
        let vista = row_to_auditoria(row)?;
        let (clave, id) = (vista.fecha.to_string(), vista.id.clone());
        Ok((Cursor { clave, id }, vista))
    })
    .await?;
    Ok(PaginaKeyset {
        items,
        total,
        hay_mas,
    })
}

/// What the projection applied to a record and the commands the BFF sent
/// about it, oldest first.
pub async fn historial(db: &Database, id: &str) -> Result<Vec<Suceso>, StoreError> {
    let rows = sqlx::query(
        "SELECT evento, detalle, fecha FROM historial WHERE id_entidad = $1 \
         UNION ALL SELECT 'Comando ' || tipo AS evento, estado || COALESCE(': ' || error, '') AS detalle, \
         fecha_creacion AS fecha FROM comandos WHERE id_entidad = $2 ORDER BY fecha",
    )
    .bind(id)
    .bind(id)
    .fetch_all(db.pool())
    .await
    .map_err(store_error)?;
    rows.iter()
        .map(|r| {
            Ok(Suceso {
                evento: r.try_get("evento").map_err(store_error)?,
                detalle: r.try_get("detalle").map_err(store_error)?,
                fecha: r.try_get("fecha").map_err(store_error)?,
            })
        })
        .collect()
}

/// Fills the name and search text of rows projected before those columns
/// existed (once; later rows get them from the projector).
pub async fn completar_busqueda(db: &Database) -> Result<usize, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNAS} FROM registros WHERE busqueda = ''"
    )))
    .fetch_all(db.pool())
    .await
    .map_err(store_error)?;
    for row in &rows {
        let vista = row_to_registro(row)?;
        let (nombre, busqueda) = nombre_y_busqueda(&vista);
        sqlx::query("UPDATE registros SET nombre = $1, busqueda = $2 WHERE tipo = $3 AND id = $4")
            .bind(nombre)
            .bind(busqueda)
            .bind(vista.tipo.as_str())
            .bind(&vista.id)
            .execute(db.pool())
            .await
            .map_err(store_error)?;
    }
    Ok(rows.len())
}
