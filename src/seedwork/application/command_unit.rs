use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    Command, CommandContext, CommandHandler, EventTranslator, Repository, StoreError,
    TranslateError, UnitOfWork,
};
use crate::seedwork::domain::{AggregateRoot, EntityId};

/// Turns an aggregate's domain events into integration messages on the unit
/// of work, so they are committed with the aggregate (transactional outbox).
pub fn stage_events<U, E, T>(
    uow: &mut U,
    events: &[E],
    translator: &T,
    ctx: &CommandContext,
) -> Result<(), TranslateError>
where
    U: UnitOfWork,
    T: EventTranslator<E> + ?Sized,
{
    for event in events {
        uow.add_message(translator.translate(event, ctx)?);
    }
    Ok(())
}

/// What a command handler of one aggregate works with: the repository it
/// loads and saves through, and the translator of its domain events into
/// integration events. A context's handlers are this value under their own
/// names (`type AprobarCompaniaHandler<R, E> = AggregatePorts<R, E>`): a
/// command says what it does where its aggregate does and does not exist
/// ([`ComandoDeAgregado`]) and is handled below; a command with rules of
/// its own (propiedades' creation, which checks the cadastral id)
/// implements `CommandHandler` itself.
pub struct AggregatePorts<R, E> {
    pub repository: Arc<R>,
    pub eventos: Arc<E>,
}

impl<R, E> AggregatePorts<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }

    /// Saves the aggregate if it recorded events, and stages them for the
    /// outbox in the same unit of work; an aggregate that decided nothing
    /// (a no-op command) writes nothing.
    pub async fn guardar_con_eventos<A, Er>(
        &self,
        uow: &mut R::Uow,
        aggregate: &mut A,
        ctx: &CommandContext,
    ) -> Result<(), Er>
    where
        A: AggregateRoot + Send + Sync,
        R: Repository<A>,
        E: EventTranslator<A::Event>,
        Er: From<StoreError> + From<TranslateError>,
    {
        let events = aggregate.take_events();
        if !events.is_empty() {
            self.repository.guardar(uow, aggregate).await?;
            stage_events(uow, &events, self.eventos.as_ref(), ctx)?;
        }
        Ok(())
    }
}

/// A command on one aggregate: which one, what it does where that
/// aggregate does not exist, and what the aggregate decides where it does.
/// Loading it and saving it with its events is [`AggregatePorts`]'
/// handler, written once (cqrs-es' split: the command decides, the
/// framework loads and commits). A creation makes the aggregate and
/// refuses a taken id; a review decision refuses a record that is not
/// there; a saga's compensation has nothing to undo there.
pub trait ComandoDeAgregado: Command {
    type Agregado: AggregateRoot + Send + Sync;
    type Error: std::error::Error + From<StoreError> + From<TranslateError> + Send + Sync + 'static;

    /// The aggregate it addresses.
    fn id(&self) -> EntityId;

    /// Where that aggregate does not exist (an `Err`: refused there).
    fn si_no_existe(
        self,
        ahora: DateTime<Utc>,
    ) -> Result<SiNoExiste<Self::Agregado, Self::Output>, Self::Error>;

    /// What the existing aggregate decides (its events are recorded on it).
    fn aplicar(
        self,
        agregado: &mut Self::Agregado,
        ahora: DateTime<Utc>,
    ) -> Result<Self::Output, Self::Error>;
}

/// What a [`ComandoDeAgregado`] does where its aggregate does not exist.
pub enum SiNoExiste<A, O> {
    /// It makes the aggregate (a creation), answering `O`.
    Crea(A, O),
    /// Nothing changes (a compensation of what never happened), answering `O`.
    Nada(O),
}

/// Load → decide (or create) → save, for every [`ComandoDeAgregado`].
#[async_trait]
impl<R, E, C> CommandHandler<C> for AggregatePorts<R, E>
where
    C: ComandoDeAgregado,
    R: Repository<C::Agregado>,
    E: EventTranslator<<C::Agregado as AggregateRoot>::Event>,
{
    type Uow = R::Uow;
    type Error = C::Error;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: C,
        ctx: &CommandContext,
    ) -> Result<C::Output, C::Error> {
        let ahora = Utc::now();
        let (mut agregado, salida) = match self.repository.cargar(uow, command.id()).await? {
            Some(mut agregado) => {
                let salida = command.aplicar(&mut agregado, ahora)?;
                (agregado, salida)
            }
            None => match command.si_no_existe(ahora)? {
                SiNoExiste::Crea(nuevo, salida) => (nuevo, salida),
                SiNoExiste::Nada(salida) => return Ok(salida),
            },
        };
        self.guardar_con_eventos::<_, C::Error>(uow, &mut agregado, ctx)
            .await?;
        Ok(salida)
    }
}
