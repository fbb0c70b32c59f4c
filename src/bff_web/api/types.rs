use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, SimpleObject};

use super::explicaciones::{describir, explicar};
use crate::bff_web::application::{
    AuditoriaVista, ComandoVista, PasoVista, Proyecciones, RegistroPropiedadVista, RegistroVista,
    Suceso as SucesoVista, TipoRegistro,
};
use crate::bff_web::domain::EstadoRegistro;
use crate::seedwork::application::StoreError;

/// Where a record stands as GraphQL shows it: the domain's
/// `EstadoRegistro` (the derive needs a type of this module; `remote` keeps
/// the two one concept).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::bff_web::domain::EstadoRegistro")]
pub enum Estado {
    Pendiente,
    Aprobada,
    Rechazada,
    /// Waiting for an auditor (the rules left it to a person).
    EnRevision,
}

impl Estado {
    /// A projected estado (text); anything else reads as Pendiente.
    fn parse(s: &str) -> Self {
        EstadoRegistro::leer(s)
            .unwrap_or(EstadoRegistro::Pendiente)
            .into()
    }
}

/// The kind of record: the application's `TipoRegistro`.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::bff_web::application::TipoRegistro")]
pub enum TipoEntidad {
    Compania,
    DatosGeograficos,
    Propiedad,
}

/// Where a command stands: the domain's `EstadoComando`.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::bff_web::domain::EstadoComando")]
pub enum EstadoComandoGql {
    Aceptado,
    Procesado,
    Fallido,
}

/// How a list is ordered: the application's `Orden`.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
#[graphql(remote = "crate::bff_web::application::Orden")]
pub enum Orden {
    /// Newest first (by creation date).
    #[default]
    Recientes,
    Antiguos,
    NombreAsc,
    NombreDesc,
}

/// Records whose audit found `problema` in `campo` ("email", "faltante").
#[derive(InputObject)]
pub struct FiltroHallazgo {
    pub campo: String,
    pub problema: String,
}

/// One thing that happened to a record, oldest first.
#[derive(SimpleObject, Clone)]
pub struct Suceso {
    /// The event or command: CompaniaCreada, AuditoriaCompletada, Comando AprobarCompania...
    pub evento: String,
    /// In words, with its detail.
    pub descripcion: String,
    pub fecha: String,
}

impl From<SucesoVista> for Suceso {
    fn from(s: SucesoVista) -> Self {
        Self {
            descripcion: describir(&s.evento, &s.detalle),
            evento: s.evento,
            fecha: iso(s.fecha),
        }
    }
}

async fn historial_de(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Vec<Suceso>> {
    let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
    Ok(store
        .historial(id)
        .await
        .map_err(super::errors::store)?
        .into_iter()
        .map(Suceso::from)
        .collect())
}

fn iso(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn campo(v: &RegistroVista, name: &str) -> String {
    v.campos.get(name).cloned().unwrap_or_default()
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Compania {
    pub id: ID,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    /// Since schema v2; blank when not given.
    pub pais: String,
    /// Since schema v2; blank when not given.
    pub telefono: String,
    pub estado: Estado,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

impl From<RegistroVista> for Compania {
    fn from(v: RegistroVista) -> Self {
        Self {
            id: ID(v.id.clone()),
            nombre: campo(&v, "nombre"),
            email: campo(&v, "email"),
            identificacion: campo(&v, "identificacion"),
            pais: campo(&v, "pais"),
            telefono: campo(&v, "telefono"),
            estado: Estado::parse(&v.estado),
            motivos_rechazo: v.motivos_rechazo,
            fecha_creacion: iso(v.fecha_creacion),
            fecha_actualizacion: iso(v.fecha_actualizacion),
        }
    }
}

#[ComplexObject]
impl Compania {
    /// What happened to it: its events and the commands sent about it.
    async fn historial(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Suceso>> {
        historial_de(ctx, &self.id).await
    }

    /// The audit of this company, batched across a page (DataLoader).
    async fn auditoria(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Auditoria>> {
        auditoria_de(ctx, &self.id).await
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DatosGeograficos {
    pub id: ID,
    pub nombre_propiedad: String,
    pub latitud: String,
    pub longitud: String,
    /// Since schema v2; blank when not given.
    pub direccion: String,
    pub estado: Estado,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

impl From<RegistroVista> for DatosGeograficos {
    fn from(v: RegistroVista) -> Self {
        Self {
            id: ID(v.id.clone()),
            nombre_propiedad: campo(&v, "nombre_propiedad"),
            latitud: campo(&v, "latitud"),
            longitud: campo(&v, "longitud"),
            direccion: campo(&v, "direccion"),
            estado: Estado::parse(&v.estado),
            motivos_rechazo: v.motivos_rechazo,
            fecha_creacion: iso(v.fecha_creacion),
            fecha_actualizacion: iso(v.fecha_actualizacion),
        }
    }
}

#[ComplexObject]
impl DatosGeograficos {
    /// What happened to it: its events and the commands sent about it.
    async fn historial(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Suceso>> {
        historial_de(ctx, &self.id).await
    }

    async fn auditoria(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Auditoria>> {
        auditoria_de(ctx, &self.id).await
    }
}

/// A property's cadastral record (the `propiedades` context).
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Propiedad {
    pub id: ID,
    pub nombre: String,
    pub identificacion_catastral: String,
    /// The owning company's identificacion.
    pub nit: String,
    pub estado: Estado,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

impl From<RegistroVista> for Propiedad {
    fn from(v: RegistroVista) -> Self {
        Self {
            id: ID(v.id.clone()),
            nombre: campo(&v, "nombre"),
            identificacion_catastral: campo(&v, "identificacion_catastral"),
            nit: campo(&v, "nit"),
            estado: Estado::parse(&v.estado),
            motivos_rechazo: v.motivos_rechazo,
            fecha_creacion: iso(v.fecha_creacion),
            fecha_actualizacion: iso(v.fecha_actualizacion),
        }
    }
}

#[ComplexObject]
impl Propiedad {
    /// What happened to it: its events and the commands sent about it.
    async fn historial(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Suceso>> {
        historial_de(ctx, &self.id).await
    }

    async fn auditoria(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Auditoria>> {
        auditoria_de(ctx, &self.id).await
    }

    /// The registration saga that created it, with its steps (none for a
    /// property created on its own).
    async fn registro(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<RegistroPropiedad>> {
        registro_de(ctx, &self.id).await
    }

    /// Its geographic data (registered by the same saga).
    async fn datos_geograficos(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<DatosGeograficos>> {
        let Some(registro) = registro_de(ctx, &self.id).await? else {
            return Ok(None);
        };
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        Ok(store
            .registro(
                TipoRegistro::DatosGeograficos,
                &registro.id_datos_geograficos,
            )
            .await
            .map_err(|e| async_graphql::Error::new(e.to_string()))?
            .map(DatosGeograficos::from))
    }
}

async fn registro_de(
    ctx: &Context<'_>,
    id: &ID,
) -> async_graphql::Result<Option<RegistroPropiedad>> {
    let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
    Ok(store
        .registro_propiedad(id)
        .await
        .map_err(|e| async_graphql::Error::new(e.to_string()))?
        .map(RegistroPropiedad::from))
}

/// Where a property registration (the saga) stands, step by step.
#[derive(SimpleObject, Clone)]
pub struct RegistroPropiedad {
    pub id_propiedad: ID,
    pub id_datos_geograficos: ID,
    /// en_curso, completada, compensada or fallida.
    pub estado: String,
    /// The step under way or last done.
    pub paso: String,
    /// Why it was compensated or failed, naming the part.
    pub motivo: Option<String>,
    pub pasos: Vec<PasoRegistro>,
    pub fecha: String,
}

#[derive(SimpleObject, Clone)]
pub struct PasoRegistro {
    pub paso: String,
    pub resultado: String,
    pub detalle: Option<String>,
    pub fecha: String,
}

impl From<PasoVista> for PasoRegistro {
    fn from(p: PasoVista) -> Self {
        Self {
            paso: p.paso,
            resultado: p.resultado,
            detalle: p.detalle,
            fecha: iso(p.fecha),
        }
    }
}

impl From<RegistroPropiedadVista> for RegistroPropiedad {
    fn from(v: RegistroPropiedadVista) -> Self {
        Self {
            id_propiedad: ID(v.id_propiedad),
            id_datos_geograficos: ID(v.id_datos_geograficos),
            estado: v.estado.as_str().to_owned(),
            paso: v.paso,
            motivo: v.motivo,
            pasos: v.pasos.into_iter().map(PasoRegistro::from).collect(),
            fecha: iso(v.fecha),
        }
    }
}

async fn auditoria_de(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Auditoria>> {
    let loader = ctx.data_unchecked::<DataLoader<AuditoriaLoader>>();
    Ok(loader.load_one(id.to_string()).await?.map(Auditoria::from))
}

#[derive(SimpleObject, Clone)]
pub struct Hallazgo {
    pub campo: String,
    pub problema: String,
    /// The finding in words: "La latitud debe estar entre −90 y 90."
    pub explicacion: String,
}

#[derive(SimpleObject, Clone)]
pub struct Auditoria {
    pub id: ID,
    pub tipo_entidad: String,
    pub id_entidad: ID,
    pub resultado: Estado,
    pub hallazgos: Vec<Hallazgo>,
    pub fecha: String,
    /// The auditor's reason, when a person decided or reopened it.
    pub motivo: Option<String>,
    /// Who decided or reopened it.
    pub revisor: Option<String>,
}

impl From<AuditoriaVista> for Auditoria {
    fn from(v: AuditoriaVista) -> Self {
        Self {
            id: ID(v.id),
            tipo_entidad: v.tipo_entidad,
            id_entidad: ID(v.id_entidad),
            resultado: Estado::parse(&v.resultado),
            hallazgos: v
                .hallazgos
                .into_iter()
                .map(|(campo, problema)| Hallazgo {
                    explicacion: explicar(&campo, &problema),
                    campo,
                    problema,
                })
                .collect(),
            fecha: iso(v.fecha),
            motivo: v.motivo,
            revisor: v.revisor,
        }
    }
}

/// How many records of a kind have a finding; filter a list by it with
/// `hallazgo: {campo, problema}`.
#[derive(SimpleObject, Clone)]
pub struct ConteoFaltante {
    pub tipo_entidad: TipoEntidad,
    pub campo: String,
    pub problema: String,
    pub explicacion: String,
    pub total: i64,
}

#[derive(SimpleObject, Clone)]
pub struct ComandoAceptado {
    pub id_comando: ID,
    pub estado: EstadoComandoGql,
    /// The record the command is about (new for a creation).
    pub id_entidad: ID,
}

#[derive(SimpleObject, Clone)]
pub struct EstadoDeComando {
    pub id: ID,
    pub tipo: String,
    pub id_entidad: ID,
    pub estado: EstadoComandoGql,
    pub error: Option<String>,
}

impl From<ComandoVista> for EstadoDeComando {
    fn from(v: ComandoVista) -> Self {
        Self {
            id: ID(v.id),
            tipo: v.tipo,
            id_entidad: ID(v.id_entidad),
            estado: v.estado.into(),
            error: v.error,
        }
    }
}

#[derive(InputObject)]
pub struct CrearCompaniaInput {
    #[graphql(default)]
    pub nombre: String,
    #[graphql(default)]
    pub email: String,
    #[graphql(default)]
    pub identificacion: String,
    #[graphql(default)]
    pub pais: String,
    #[graphql(default)]
    pub telefono: String,
}

/// A property's geographic data, alone.
#[derive(InputObject)]
pub struct CrearDatosGeograficosInput {
    #[graphql(default)]
    pub nombre_propiedad: String,
    #[graphql(default)]
    pub latitud: String,
    #[graphql(default)]
    pub longitud: String,
    #[graphql(default)]
    pub direccion: String,
}

/// The input of `crearPropiedad`, deprecated with it (the same fields as
/// `CrearDatosGeograficosInput`).
#[derive(InputObject)]
pub struct CrearPropiedadInput {
    #[graphql(default)]
    pub nombre_propiedad: String,
    #[graphql(default)]
    pub latitud: String,
    #[graphql(default)]
    pub longitud: String,
    #[graphql(default)]
    pub direccion: String,
}

impl From<CrearPropiedadInput> for CrearDatosGeograficosInput {
    fn from(i: CrearPropiedadInput) -> Self {
        Self {
            nombre_propiedad: i.nombre_propiedad,
            latitud: i.latitud,
            longitud: i.longitud,
            direccion: i.direccion,
        }
    }
}

/// A property and its geographic data, registered as one saga.
#[derive(InputObject)]
pub struct RegistrarPropiedadInput {
    #[graphql(default)]
    pub nombre: String,
    #[graphql(default)]
    pub identificacion_catastral: String,
    /// The owning company's identificacion.
    #[graphql(default)]
    pub nit: String,
    #[graphql(default)]
    pub latitud: String,
    #[graphql(default)]
    pub longitud: String,
    #[graphql(default)]
    pub direccion: String,
}

/// Loads the audits of many records in one query.
pub struct AuditoriaLoader {
    pub store: Arc<dyn Proyecciones>,
    /// How many batches it ran (tests check a page costs one).
    pub batches: Arc<std::sync::atomic::AtomicUsize>,
}

impl Loader<String> for AuditoriaLoader {
    type Value = AuditoriaVista;
    type Error = Arc<StoreError>;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, AuditoriaVista>, Self::Error> {
        self.batches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let found = self.store.auditorias_de(keys).await.map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|a| (a.id_entidad.clone(), a))
            .collect())
    }
}
