use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use crate::contracts::types;
use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::domain::{DatosPropiedad, Propiedad, PropiedadEvent};
use crate::seedwork::application::stage_events;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, EventTranslator, StoreError,
    TranslateError,
};
use crate::seedwork::domain::EntityId;

/// Registers a property with the data as given (blank fields accepted);
/// its cadastral id, when given, must be free.
#[derive(Debug, Clone)]
pub struct CrearPropiedad {
    pub id: EntityId,
    pub datos: DatosPropiedad,
}

impl Command for CrearPropiedad {
    const NAME: &'static str = types::CREAR_PROPIEDAD;
    type Output = CreacionPropiedad;
}

/// What a registration came to. A taken cadastral id is an answer, not a
/// failure of the handler: `CreacionPropiedadFallida` commits (so a saga
/// waiting for the creation hears why), and the command is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreacionPropiedad {
    Creada(EntityId),
    Fallida { identificacion_catastral: String },
}

#[derive(Debug, Error)]
pub enum CrearPropiedadError {
    #[error("propiedad {0} already exists")]
    YaExiste(EntityId),
    /// Another property holds the cadastral id: the registration cannot be.
    #[error("identificacion_catastral {0} ya registrada")]
    CatastralRegistrada(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Its ports: the repository and the event translator.
pub type CrearPropiedadHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<CrearPropiedad> for CrearPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = CrearPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearPropiedad,
        ctx: &CommandContext,
    ) -> Result<CreacionPropiedad, CrearPropiedadError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearPropiedadError::YaExiste(command.id));
        }
        let catastral = command.datos.identificacion_catastral.as_str();
        if !catastral.is_empty() && self.repository.catastral_registrada(uow, catastral).await? {
            let fallida =
                Propiedad::decidir_registro_fallido(command.id, &command.datos, Utc::now());
            let events = [PropiedadEvent::CreacionPropiedadFallida(fallida)];
            stage_events(uow, &events, self.eventos.as_ref(), ctx)?;
            return Ok(CreacionPropiedad::Fallida {
                identificacion_catastral: catastral.to_owned(),
            });
        }
        let mut datos = Propiedad::registrar(command.id, command.datos, Utc::now());
        self.guardar_con_eventos::<_, CrearPropiedadError>(uow, &mut datos, ctx)
            .await?;
        Ok(CreacionPropiedad::Creada(command.id))
    }
}
