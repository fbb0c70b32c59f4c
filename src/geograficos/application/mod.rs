//! Use cases of `geograficos`: the seedwork's reviewable-record commands
//! and queries, named for this context.

use super::domain::DatosGeograficos;
use crate::seedwork::application::review::{
    Aprobar, Crear, Listar, ObtenerPorId, Rechazar, RegistroView,
};

pub type CrearDatosGeograficos = Crear<DatosGeograficos>;
pub type AprobarDatosGeograficos = Aprobar<DatosGeograficos>;
pub type RechazarDatosGeograficos = Rechazar<DatosGeograficos>;
pub type ObtenerDatosGeograficos = Listar<RegistroView>;
pub type ObtenerDatoGeografico = ObtenerPorId<RegistroView>;
