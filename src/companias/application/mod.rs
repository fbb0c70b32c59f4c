//! Use cases of `companias`: the seedwork's reviewable-record commands and
//! queries, named for this context. Handlers own the transaction.

use super::domain::Compania;
use crate::seedwork::application::review::{
    Aprobar, Crear, Listar, ObtenerPorId, Rechazar, RegistroView, ReviewUseCaseError,
};

pub type CrearCompania = Crear<Compania>;
pub type AprobarCompania = Aprobar<Compania>;
pub type RechazarCompania = Rechazar<Compania>;
/// `ObtenerCompanias { estado?, page }`; with `Rechazada` it answers `ObtenerCompaniasRechazadas`.
pub type ObtenerCompanias = Listar<RegistroView>;
pub type ObtenerCompania = ObtenerPorId<RegistroView>;
pub type CompaniasError = ReviewUseCaseError;
