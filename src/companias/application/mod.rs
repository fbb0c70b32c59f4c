//! Use cases of `companias`: the seedwork's reviewable-aggregate commands
//! and queries, named for this context. Handlers own the transaction.

use serde::Serialize;

use super::domain::Compania;
use crate::seedwork::application::review::{
    Aprobar, Crear, Listar, ObtenerPorId, Rechazar, ReviewUseCaseError,
};

pub type CrearCompania = Crear<Compania>;
pub type AprobarCompania = Aprobar<Compania>;
pub type RechazarCompania = Rechazar<Compania>;
/// `ObtenerCompanias { estado?, page }`; with `Rechazada` it answers `ObtenerCompaniasRechazadas`.
pub type ObtenerCompanias = Listar<CompaniaView>;
pub type ObtenerCompania = ObtenerPorId<CompaniaView>;
pub type CompaniasError = ReviewUseCaseError;

/// A company as queries return it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompaniaView {
    pub id: String,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub version: i64,
}
