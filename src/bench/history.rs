//! `bench flow --history N`: before the measured run, each context database
//! of the deployment is filled with N entities of synthetic history, as a
//! deployment that has run for a while holds it — half companies, half
//! geographic records, a third of them rejected; their audits, findings,
//! finished sagas, the BFF's records, history and commands, every
//! consumer's inbox rows inside the dedupe window and (on the embedded
//! default, where it is the event log) the outbox's event rows. Written
//! with set-based SQL (`generate_series` / a recursive CTE), 100,000
//! entities per statement, then analysed and checkpointed so the run
//! starts from a settled database.

use std::time::Instant;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use crate::seedwork::infrastructure::InfraError;

/// Entities per INSERT … SELECT.
const CHUNK: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Sqlite,
}

/// The SQL pieces that differ between the backends.
impl Dialect {
    fn of(url: &str) -> Self {
        if url.starts_with("postgres") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// Rows `i` from `a` to `b`, as a FROM item named `s`.
    fn series(self, a: i64, b: i64) -> String {
        match self {
            Self::Postgres => format!("generate_series({a}::BIGINT, {b}::BIGINT) AS s(i)"),
            Self::Sqlite => format!(
                "(WITH RECURSIVE g(i) AS (SELECT {a} UNION ALL SELECT i + 1 FROM g WHERE i < {b}) \
                 SELECT i FROM g) AS s"
            ),
        }
    }

    /// A UUID-shaped id of entity `i`, `kind` (4 hex digits) telling
    /// entities, audits, sagas and messages apart.
    fn id(self, kind: &str) -> String {
        match self {
            Self::Postgres => format!(
                "(lpad(to_hex(i), 8, '0') || '-{kind}-4000-8000-' || lpad(to_hex(i), 12, '0'))"
            ),
            Self::Sqlite => format!("printf('%08x-{kind}-4000-8000-%012x', i, i)"),
        }
    }

    fn text(self, expr: &str) -> String {
        match self {
            Self::Postgres => format!("({expr})::TEXT"),
            Self::Sqlite => format!("CAST({expr} AS TEXT)"),
        }
    }

    fn payload(self) -> &'static str {
        match self {
            Self::Postgres => "decode(repeat('ab', 180), 'hex')",
            Self::Sqlite => "randomblob(180)",
        }
    }
}

/// One table's rows per entity, as `INSERT … SELECT` over the series.
struct Fill {
    table: &'static str,
    columns: &'static str,
    /// The SELECT list; `{id}` etc. are filled per dialect.
    select: String,
    /// Which entities (a condition on `i`), e.g. companies are even.
    r#where: &'static str,
}

/// The contexts whose databases hold history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contexto {
    Companias,
    Geograficos,
    Auditoria,
    BffWeb,
}

impl Contexto {
    pub const TODOS: [Self; 4] = [
        Self::Companias,
        Self::Geograficos,
        Self::Auditoria,
        Self::BffWeb,
    ];

    /// Its service (and database) name.
    pub fn nombre(self) -> &'static str {
        match self {
            Self::Companias => "companias",
            Self::Geograficos => "geograficos",
            Self::Auditoria => "auditoria",
            Self::BffWeb => "bff_web",
        }
    }
}

/// What every table's fill says of entity `i`, in one dialect.
struct Historia {
    d: Dialect,
    embedded: bool,
    /// When entity i happened: (n - i) × 10 ms before an hour ago, so the
    /// whole history precedes the measured run.
    at: String,
    ent: String,
    estado: String,
    rejected: &'static str,
    company: &'static str,
    geo: &'static str,
}

impl Historia {
    fn new(d: Dialect, embedded: bool, n: i64, now: i64) -> Self {
        let rejected = "i % 3 = 0";
        Self {
            d,
            embedded,
            at: format!("({now} - 3600000 - ({n} - i) * 10)"),
            ent: d.id("0e00"),
            estado: format!("CASE WHEN {rejected} THEN 'Rechazada' ELSE 'Aprobada' END"),
            rejected,
            company: "i % 2 = 0",
            geo: "i % 2 = 1",
        }
    }

    /// A consumer's inbox rows, one per kind of message it took.
    fn inbox(&self, consumer: &str, kinds: &[&str]) -> Vec<Fill> {
        kinds
            .iter()
            .map(|kind| Fill {
                table: "inbox",
                columns: "consumer, message_id, processed_at",
                select: format!("'{consumer}', {}, {}", self.d.id(kind), self.at),
                r#where: "1 = 1",
            })
            .collect()
    }

    /// The outbox's event rows (the event log on the embedded default;
    /// elsewhere retention prunes sent rows, so there are none).
    fn events(&self, topic: &str, kinds: &[(&str, &str)], r#where: &'static str) -> Vec<Fill> {
        if !self.embedded {
            return Vec::new();
        }
        let (at, ent) = (&self.at, &self.ent);
        kinds
            .iter()
            .map(|(kind, tipo)| Fill {
                table: "outbox",
                columns: "id, topic, message_key, message_type, schema_version, properties, payload, created_at, sent_at",
                select: format!(
                    "{}, '{topic}', {ent}, '{tipo}', 1, '{{}}', {}, {at}, {at}",
                    self.d.id(kind),
                    self.d.payload()
                ),
                r#where,
            })
            .collect()
    }
}

fn fills(d: Dialect, context: Contexto, embedded: bool, n: i64, now: i64) -> Vec<Fill> {
    let h = Historia::new(d, embedded, n, now);
    match context {
        Contexto::Companias => fills_companias(&h),
        Contexto::Geograficos => fills_geograficos(&h),
        Contexto::Auditoria => fills_auditoria(&h),
        Contexto::BffWeb => fills_bff(&h),
    }
}

/// Companies (the even entities) and companias' messages.
fn fills_companias(h: &Historia) -> Vec<Fill> {
    let Historia {
        d,
        at,
        ent,
        estado,
        rejected,
        company,
        ..
    } = h;
    let mut fills = Vec::new();
    fills.push(Fill {
        table: "companias",
        columns: "id, nombre, email, identificacion, estado, motivos_rechazo, fecha_creacion, \
                  fecha_actualizacion, version, pais, telefono",
        select: format!(
            "{ent}, 'Inmobiliaria h' || {i}, CASE WHEN {rejected} THEN '' ELSE 'contacto' || {i} || '@andes.co' END, \
             '900' || {i}, {estado}, CASE WHEN {rejected} THEN '[\"email faltante\"]' ELSE '[]' END, \
             {at}, {at} + 40, 2, 'CO', '+57 601 555 0100'",
            i = d.text("i")
        ),
        r#where: company,
    });
    fills.extend(h.inbox("companias", &["c001", "c002"]));
    fills.extend(h.events(
        "eventos-companias",
        &[("e001", "CompaniaCreada"), ("e002", "CompaniaAprobada")],
        company,
    ));
    fills
}

/// Geographic records (the odd entities) and geograficos' messages.
fn fills_geograficos(h: &Historia) -> Vec<Fill> {
    let Historia {
        d,
        at,
        ent,
        estado,
        rejected,
        geo,
        ..
    } = h;
    let mut fills = Vec::new();
    fills.push(Fill {
        table: "datos_geograficos",
        columns: "id, nombre_propiedad, latitud, longitud, estado, motivos_rechazo, fecha_creacion, \
                  fecha_actualizacion, version, direccion",
        select: format!(
            "{ent}, 'Lote h' || {i}, CASE WHEN {rejected} THEN '95' ELSE '4.6' END, '-74.08', {estado}, \
             CASE WHEN {rejected} THEN '[\"latitud fuera_de_rango\"]' ELSE '[]' END, {at}, {at} + 40, 2, \
             'Calle ' || {i}",
            i = d.text("i")
        ),
        r#where: geo,
    });
    fills.extend(h.inbox("geograficos", &["c001", "c002"]));
    fills.extend(h.events(
        "eventos-geograficos",
        &[
            ("e001", "DatosGeograficosCreados"),
            ("e002", "DatosGeograficosAprobados"),
        ],
        geo,
    ));
    fills
}

/// Every entity's audit, findings of the rejected, finished sagas, known companies.
fn fills_auditoria(h: &Historia) -> Vec<Fill> {
    let Historia {
        d,
        at,
        ent,
        estado,
        rejected,
        company,
        ..
    } = h;
    let mut fills = Vec::new();
    let tipo = format!("CASE WHEN {company} THEN 'Compania' ELSE 'DatosGeograficos' END");
    let (campo, problema) = (
        format!("CASE WHEN {company} THEN 'email' ELSE 'latitud' END"),
        format!("CASE WHEN {company} THEN 'faltante' ELSE 'fuera_de_rango' END"),
    );
    fills.push(Fill {
        table: "auditorias",
        columns: "id, tipo_entidad, id_entidad, resultado, hallazgos, fecha_creacion, reabierta, version",
        select: format!(
            "{}, {tipo}, {ent}, {estado}, '[]', {at} + 10, 0, 1",
            d.id("a0a0")
        ),
        r#where: "1 = 1",
    });
    fills.push(Fill {
        table: "hallazgos",
        columns: "id_auditoria, campo, problema",
        select: format!("{}, {campo}, {problema}", d.id("a0a0")),
        r#where: rejected,
    });
    fills.push(Fill {
        table: "sagas",
        columns: "id, tipo_entidad, id_entidad, estado, decision, motivos, id_comando, correlation_id, \
                  intentos, proximo_intento, fecha_creacion, fecha_actualizacion, version",
        select: format!(
            "{}, {tipo}, {ent}, 'completada', CASE WHEN {rejected} THEN 'rechazar' ELSE 'aprobar' END, '[]', \
             {}, {}, 1, {at} + 30010, {at} + 10, {at} + 40, 2",
            d.id("b0b0"),
            d.id("c002"),
            d.id("f0f0")
        ),
        r#where: "1 = 1",
    });
    fills.push(Fill {
        table: "companias_conocidas",
        columns: "identificacion",
        select: format!("'900' || {}", d.text("i")),
        r#where: company,
    });
    fills.extend(h.inbox("auditoria", &["e001", "e002"]));
    fills.extend(h.events(
        "eventos-auditoria",
        &[("e003", "AuditoriaAprobada")],
        "1 = 1",
    ));
    fills
}

/// The BFF's records, audits, commands and history of every entity.
fn fills_bff(h: &Historia) -> Vec<Fill> {
    let Historia {
        d,
        at,
        ent,
        estado,
        company,
        ..
    } = h;
    let mut fills = Vec::new();
    let tipo = format!("CASE WHEN {company} THEN 'Compania' ELSE 'DatosGeograficos' END");
    fills.push(Fill {
        table: "registros",
        columns: "tipo, id, campos, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, \
                  proyectado_en, nombre, busqueda",
        select: format!(
            "{tipo}, {ent}, '{{\"nombre\":\"h' || {i} || '\"}}', {estado}, '[]', {at}, {at} + 40, {at} + 45, \
             'h' || {i}, 'h' || {i}",
            i = d.text("i")
        ),
        r#where: "1 = 1",
    });
    fills.push(Fill {
        table: "auditorias",
        columns: "id, tipo_entidad, id_entidad, resultado, hallazgos, fecha",
        select: format!("{}, {tipo}, {ent}, {estado}, '[]', {at} + 10", d.id("a0a0")),
        r#where: "1 = 1",
    });
    fills.push(Fill {
        table: "comandos",
        columns: "id, tipo, id_entidad, estado, fecha_creacion, fecha_actualizacion",
        select: format!(
            "{}, CASE WHEN {company} THEN 'CrearCompania' ELSE 'CrearDatosGeograficos' END, {ent}, \
             'PROCESADO', {at}, {at} + 5",
            d.id("c001")
        ),
        r#where: "1 = 1",
    });
    for (kind, evento, offset) in [
        ("e001", "creado", 0),
        ("e003", "auditado", 10),
        ("e002", "decidido", 40),
    ] {
        fills.push(Fill {
            table: "historial",
            columns: "id_evento, tipo, id_entidad, evento, detalle, fecha",
            select: format!(
                "{}, {tipo}, {ent}, '{evento}', '', {at} + {offset}",
                d.id(kind)
            ),
            r#where: "1 = 1",
        });
    }
    fills.extend(h.inbox("bff_web", &["e001", "e002", "e003", "e004"]));
    fills
}

/// Fills `context`'s database at `url` with `n` entities of history.
pub async fn prefill(
    url: &str,
    context: Contexto,
    embedded: bool,
    n: i64,
) -> Result<(), InfraError> {
    if n == 0 {
        return Ok(());
    }
    let started = Instant::now();
    let d = Dialect::of(url);
    let pool: AnyPool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut rows = 0u64;
    for fill in fills(d, context, embedded, n, now) {
        let mut a = 1;
        while a <= n {
            let b = (a + CHUNK - 1).min(n);
            let sql = format!(
                "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {}",
                fill.table,
                fill.columns,
                fill.select,
                d.series(a, b),
                fill.r#where
            );
            // Safe: built from this file's constants and numbers only.
            rows += sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await?
                .rows_affected();
            a = b + 1;
        }
    }
    // A settled database, as one that has run for a while: statistics
    // current, the WAL checkpointed.
    let settle: &[&str] = match d {
        Dialect::Postgres => &["VACUUM (ANALYZE)", "CHECKPOINT"],
        Dialect::Sqlite => &["ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"],
    };
    for statement in settle {
        // The simple protocol: VACUUM refuses to run as a prepared statement
        // in a transaction block.
        sqlx::raw_sql(*statement).execute(&pool).await?;
    }
    pool.close().await;
    println!(
        "  history: {} filled with {n} entities ({rows} rows) in {:.0} s",
        context.nombre(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
