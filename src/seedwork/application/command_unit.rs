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

#[cfg(test)]
mod tests {
    //! The shared handler over a toy aggregate: given what is stored /
    //! when a command runs / then what it answers and what committed.

    use super::*;
    use crate::seedwork::application::dispatch;
    use crate::seedwork::application::testing::{
        MemoryAggregates, MemoryUnitOfWork, MemoryUnitOfWorkFactory, NamedEvents,
    };

    #[derive(Debug, Clone)]
    struct Cuenta {
        id: EntityId,
        saldo: i64,
        version: i64,
        eventos: Vec<&'static str>,
    }

    impl AggregateRoot for Cuenta {
        type Event = &'static str;

        fn aggregate_id(&self) -> String {
            self.id.to_string()
        }

        fn version(&self) -> i64 {
            self.version
        }

        fn take_events(&mut self) -> Vec<&'static str> {
            std::mem::take(&mut self.eventos)
        }
    }

    #[derive(Debug, thiserror::Error)]
    enum Fallo {
        #[error("no such account")]
        NoExiste,
        #[error("already open")]
        YaAbierta,
        #[error("overdrawn")]
        SinSaldo,
        #[error(transparent)]
        Store(#[from] StoreError),
        #[error(transparent)]
        Encoding(#[from] TranslateError),
    }

    /// Opens an account (a creation), withdraws (a decision), or closes
    /// one (a compensation: nothing to close is no failure).
    #[derive(Debug, Clone)]
    enum Orden {
        Abrir(EntityId),
        Retirar(EntityId, i64),
        Cerrar(EntityId),
    }

    impl Command for Orden {
        const NAME: &'static str = "Orden";
        type Output = i64;
    }

    impl ComandoDeAgregado for Orden {
        type Agregado = Cuenta;
        type Error = Fallo;

        fn id(&self) -> EntityId {
            match self {
                Orden::Abrir(id) | Orden::Retirar(id, _) | Orden::Cerrar(id) => *id,
            }
        }

        fn si_no_existe(self, _: DateTime<Utc>) -> Result<SiNoExiste<Cuenta, i64>, Fallo> {
            match self {
                Orden::Abrir(id) => Ok(SiNoExiste::Crea(
                    Cuenta {
                        id,
                        saldo: 10,
                        version: 0,
                        eventos: vec!["CuentaAbierta"],
                    },
                    10,
                )),
                Orden::Retirar(..) => Err(Fallo::NoExiste),
                Orden::Cerrar(_) => Ok(SiNoExiste::Nada(0)),
            }
        }

        fn aplicar(self, cuenta: &mut Cuenta, _: DateTime<Utc>) -> Result<i64, Fallo> {
            match self {
                Orden::Abrir(_) => Err(Fallo::YaAbierta),
                Orden::Retirar(_, monto) if monto > cuenta.saldo => Err(Fallo::SinSaldo),
                Orden::Retirar(_, monto) => {
                    cuenta.saldo -= monto;
                    cuenta.eventos.push("DineroRetirado");
                    Ok(cuenta.saldo)
                }
                Orden::Cerrar(_) => Ok(cuenta.saldo),
            }
        }
    }

    #[derive(Clone, Default)]
    struct Cuentas(MemoryAggregates<Cuenta>);

    #[async_trait]
    impl Repository<Cuenta> for Cuentas {
        type Uow = MemoryUnitOfWork;

        async fn cargar(
            &self,
            _: &mut MemoryUnitOfWork,
            id: EntityId,
        ) -> Result<Option<Cuenta>, StoreError> {
            Ok(self.0.get(&id.to_string()))
        }

        async fn guardar(&self, uow: &mut MemoryUnitOfWork, c: &Cuenta) -> Result<(), StoreError> {
            let saved = Cuenta {
                version: c.version + 1,
                ..c.clone()
            };
            self.0.save(uow, c, saved)
        }
    }

    fn describe(event: &&'static str) -> (String, String) {
        ((*event).to_owned(), String::new())
    }

    #[tokio::test]
    async fn creates_where_absent_decides_where_present_and_refuses_each_on_its_own() {
        let uows = MemoryUnitOfWorkFactory::default();
        let cuentas = Cuentas::default();
        let puertos = AggregatePorts::new(
            Arc::new(cuentas.clone()),
            Arc::new(NamedEvents::new(describe as fn(&_) -> _)),
        );
        let (id, ctx) = (EntityId::new(), CommandContext::new_root);
        let run = |orden| dispatch(&uows, &puertos, orden, ctx());

        // given nothing: a decision is refused, a compensation does nothing.
        assert!(matches!(
            run(Orden::Retirar(id, 1)).await,
            Err(Fallo::NoExiste)
        ));
        assert_eq!(run(Orden::Cerrar(id)).await.expect("nothing to close"), 0);
        assert!(cuentas.0.get(&id.to_string()).is_none());
        // when opened: it is stored with its event; opening again is refused.
        assert_eq!(run(Orden::Abrir(id)).await.expect("abrir"), 10);
        assert!(matches!(run(Orden::Abrir(id)).await, Err(Fallo::YaAbierta)));
        // then a decision applies to what is stored, and one it refuses
        // changes nothing.
        assert_eq!(run(Orden::Retirar(id, 4)).await.expect("retirar"), 6);
        assert!(matches!(
            run(Orden::Retirar(id, 7)).await,
            Err(Fallo::SinSaldo)
        ));
        // a decision that records nothing saves nothing (the version stays).
        assert_eq!(run(Orden::Cerrar(id)).await.expect("cerrar"), 6);
        let cuenta = cuentas.0.get(&id.to_string()).expect("stored");
        assert_eq!((cuenta.saldo, cuenta.version), (6, 2));
        assert_eq!(uows.committed_types(), ["CuentaAbierta", "DineroRetirado"]);
    }
}
