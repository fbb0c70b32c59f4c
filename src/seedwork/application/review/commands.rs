use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::Utc;

use super::{Repository, ReviewUseCaseError};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, UnitOfWork, UnitOfWorkFactory,
    begin_command, stage_events,
};
use crate::seedwork::domain::{DomainError, EntityId, Motivos, Reviewable};

/// Registers an aggregate; its data may be incomplete (the audit judges it).
#[derive(Debug, Clone)]
pub struct Crear<A: Reviewable> {
    pub id: EntityId,
    pub datos: A::Datos,
}

/// Approves a Pendiente aggregate; approving an approved one is a no-op.
#[derive(Debug, Clone)]
pub struct Aprobar<A> {
    pub id: EntityId,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A> Aprobar<A> {
    pub fn new(id: EntityId) -> Self {
        Self {
            id,
            _aggregate: PhantomData,
        }
    }
}

/// Rejects a Pendiente aggregate with reasons; rejecting twice is a no-op.
#[derive(Debug, Clone)]
pub struct Rechazar<A> {
    pub id: EntityId,
    pub motivos: Motivos,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A> Rechazar<A> {
    pub fn new(id: EntityId, motivos: Motivos) -> Self {
        Self {
            id,
            motivos,
            _aggregate: PhantomData,
        }
    }
}

impl<A: Reviewable> Command for Crear<A> {
    const NAME: &'static str = A::CREAR;
    type Output = EntityId;
}

impl<A: Reviewable> Command for Aprobar<A> {
    const NAME: &'static str = A::APROBAR;
    type Output = ();
}

impl<A: Reviewable> Command for Rechazar<A> {
    const NAME: &'static str = A::RECHAZAR;
    type Output = ();
}

/// Any of the three, as read from a command topic.
#[derive(Debug, Clone)]
pub enum ReviewCommand<A: Reviewable> {
    Crear(Crear<A>),
    Aprobar(Aprobar<A>),
    Rechazar(Rechazar<A>),
}

/// The command side of a reviewable aggregate, generic over its ports:
/// load → domain decides → stage events → commit, in one unit of work.
pub struct ReviewCommands<F, R, T> {
    uows: F,
    repository: R,
    events: T,
}

impl<F, R, T> ReviewCommands<F, R, T> {
    pub fn new(uows: F, repository: R, events: T) -> Self {
        Self {
            uows,
            repository,
            events,
        }
    }

    /// Runs whichever command arrived (from a command topic).
    pub async fn run<A>(
        &self,
        command: ReviewCommand<A>,
        ctx: CommandContext,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        F: UnitOfWorkFactory,
        R: Repository<A, Uow = F::Uow>,
        T: EventTranslator<A::Event>,
    {
        use crate::seedwork::application::dispatch;
        match command {
            ReviewCommand::Crear(c) => dispatch(self, c, ctx).await.map(|_| ()),
            ReviewCommand::Aprobar(c) => dispatch(self, c, ctx).await,
            ReviewCommand::Rechazar(c) => dispatch(self, c, ctx).await,
        }
    }

    async fn decide<A>(
        &self,
        id: EntityId,
        ctx: CommandContext,
        decision: impl FnOnce(&mut A) -> Result<(), DomainError> + Send,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        F: UnitOfWorkFactory,
        R: Repository<A, Uow = F::Uow>,
        T: EventTranslator<A::Event>,
    {
        let Some(mut uow) = begin_command(&self.uows, &ctx).await? else {
            return Ok(());
        };
        let mut aggregate = self.repository.load(&mut uow, id).await?.ok_or_else(|| {
            ReviewUseCaseError::NotFound {
                kind: A::KIND,
                id: id.to_string(),
            }
        })?;
        decision(&mut aggregate)?;
        self.commit(uow, &mut aggregate, &ctx).await
    }

    async fn commit<A>(
        &self,
        mut uow: F::Uow,
        aggregate: &mut A,
        ctx: &CommandContext,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        F: UnitOfWorkFactory,
        R: Repository<A, Uow = F::Uow>,
        T: EventTranslator<A::Event>,
    {
        let events = aggregate.take_events();
        if !events.is_empty() {
            self.repository.save(&mut uow, aggregate).await?;
            stage_events(&mut uow, &events, &self.events, ctx)?;
        }
        // Commit even without events: the inbox claim must stick.
        uow.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl<A, F, R, T> CommandHandler<Crear<A>> for ReviewCommands<F, R, T>
where
    A: Reviewable,
    F: UnitOfWorkFactory,
    R: Repository<A, Uow = F::Uow>,
    T: EventTranslator<A::Event>,
{
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        command: Crear<A>,
        ctx: CommandContext,
    ) -> Result<EntityId, ReviewUseCaseError> {
        let Some(mut uow) = begin_command(&self.uows, &ctx).await? else {
            return Ok(command.id);
        };
        if self.repository.load(&mut uow, command.id).await?.is_some() {
            return Err(ReviewUseCaseError::AlreadyExists {
                kind: A::KIND,
                id: command.id.to_string(),
            });
        }
        let mut aggregate = A::crear(command.id, command.datos, Utc::now());
        self.commit(uow, &mut aggregate, &ctx).await?;
        Ok(command.id)
    }
}

#[async_trait]
impl<A, F, R, T> CommandHandler<Aprobar<A>> for ReviewCommands<F, R, T>
where
    A: Reviewable,
    F: UnitOfWorkFactory,
    R: Repository<A, Uow = F::Uow>,
    T: EventTranslator<A::Event>,
{
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        command: Aprobar<A>,
        ctx: CommandContext,
    ) -> Result<(), ReviewUseCaseError> {
        self.decide(command.id, ctx, |a: &mut A| a.aprobar(Utc::now()))
            .await
    }
}

#[async_trait]
impl<A, F, R, T> CommandHandler<Rechazar<A>> for ReviewCommands<F, R, T>
where
    A: Reviewable,
    F: UnitOfWorkFactory,
    R: Repository<A, Uow = F::Uow>,
    T: EventTranslator<A::Event>,
{
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        command: Rechazar<A>,
        ctx: CommandContext,
    ) -> Result<(), ReviewUseCaseError> {
        let motivos = command.motivos;
        self.decide(command.id, ctx, move |a: &mut A| {
            a.rechazar(&motivos, Utc::now())
        })
        .await
    }
}
