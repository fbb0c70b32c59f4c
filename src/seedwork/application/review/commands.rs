use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::Utc;

use super::{Repository, ReviewUseCaseError};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, execute, stage_events,
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
/// load → domain decides → save and stage events, inside the caller's unit
/// of work.
pub struct ReviewCommands<R, T> {
    repository: R,
    events: T,
}

impl<R, T> ReviewCommands<R, T> {
    pub fn new(repository: R, events: T) -> Self {
        Self { repository, events }
    }

    /// Runs whichever command arrived (from a command topic).
    pub async fn run<A>(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        command: ReviewCommand<A>,
        ctx: &CommandContext,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        R: Repository<A>,
        T: EventTranslator<A::Event>,
    {
        match command {
            ReviewCommand::Crear(c) => execute(self, uow, c, ctx).await.map(|_| ()),
            ReviewCommand::Aprobar(c) => execute(self, uow, c, ctx).await,
            ReviewCommand::Rechazar(c) => execute(self, uow, c, ctx).await,
        }
    }

    async fn decide<A>(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        id: EntityId,
        ctx: &CommandContext,
        decision: impl FnOnce(&mut A) -> Result<(), DomainError> + Send,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        R: Repository<A>,
        T: EventTranslator<A::Event>,
    {
        let mut aggregate =
            self.repository
                .load(uow, id)
                .await?
                .ok_or_else(|| ReviewUseCaseError::NotFound {
                    kind: A::KIND,
                    id: id.to_string(),
                })?;
        decision(&mut aggregate)?;
        self.save(uow, &mut aggregate, ctx).await
    }

    async fn save<A>(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        aggregate: &mut A,
        ctx: &CommandContext,
    ) -> Result<(), ReviewUseCaseError>
    where
        A: Reviewable,
        R: Repository<A>,
        T: EventTranslator<A::Event>,
    {
        let events = aggregate.take_events();
        if !events.is_empty() {
            self.repository.save(uow, aggregate).await?;
            stage_events(uow, &events, &self.events, ctx)?;
        }
        Ok(())
    }
}

#[async_trait]
impl<A, R, T> CommandHandler<Crear<A>> for ReviewCommands<R, T>
where
    A: Reviewable,
    R: Repository<A>,
    T: EventTranslator<A::Event>,
{
    type Uow = <R as Repository<A>>::Uow;
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        command: Crear<A>,
        ctx: &CommandContext,
    ) -> Result<EntityId, ReviewUseCaseError> {
        if self.repository.load(uow, command.id).await?.is_some() {
            return Err(ReviewUseCaseError::AlreadyExists {
                kind: A::KIND,
                id: command.id.to_string(),
            });
        }
        let mut aggregate = A::crear(command.id, command.datos, Utc::now());
        self.save(uow, &mut aggregate, ctx).await?;
        Ok(command.id)
    }
}

#[async_trait]
impl<A, R, T> CommandHandler<Aprobar<A>> for ReviewCommands<R, T>
where
    A: Reviewable,
    R: Repository<A>,
    T: EventTranslator<A::Event>,
{
    type Uow = <R as Repository<A>>::Uow;
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        command: Aprobar<A>,
        ctx: &CommandContext,
    ) -> Result<(), ReviewUseCaseError> {
        self.decide(uow, command.id, ctx, |a: &mut A| a.aprobar(Utc::now()))
            .await
    }
}

#[async_trait]
impl<A, R, T> CommandHandler<Rechazar<A>> for ReviewCommands<R, T>
where
    A: Reviewable,
    R: Repository<A>,
    T: EventTranslator<A::Event>,
{
    type Uow = <R as Repository<A>>::Uow;
    type Error = ReviewUseCaseError;

    async fn handle(
        &self,
        uow: &mut <R as Repository<A>>::Uow,
        command: Rechazar<A>,
        ctx: &CommandContext,
    ) -> Result<(), ReviewUseCaseError> {
        let motivos = command.motivos;
        self.decide(uow, command.id, ctx, move |a: &mut A| {
            a.rechazar(&motivos, Utc::now())
        })
        .await
    }
}
