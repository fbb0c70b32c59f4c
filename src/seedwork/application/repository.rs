use async_trait::async_trait;

use super::{HandleError, Message, PageOf, PageRequest, StoreError, UnitOfWork};
use crate::seedwork::domain::{EntityId, Estado};

/// Where a context keeps its aggregates of type `A`, inside the caller's
/// unit of work. Each context names its own port for its role
/// (`trait CompaniaRepository: Repository<Compania>`), adding what else it
/// asks of its store.
#[async_trait]
pub trait Repository<A>: Send + Sync + 'static {
    type Uow: UnitOfWork;

    /// Reads the aggregates of a run at once, so each message's `cargar`
    /// finds its aggregate in memory (an optimisation: without it `cargar`
    /// reads one by one).
    async fn precargar(&self, _uow: &mut Self::Uow, _ids: &[EntityId]) -> Result<(), StoreError> {
        Ok(())
    }

    /// The aggregate as this unit of work sees it: a change saved earlier
    /// in the same unit of work is visible.
    async fn cargar(&self, uow: &mut Self::Uow, id: EntityId) -> Result<Option<A>, StoreError>;

    /// Inserts a new aggregate (version 0), or updates one whose stored
    /// version still equals the loaded one (`StoreError::Conflict` if not,
    /// here or when the unit of work commits: writes may be deferred to the
    /// commit, one statement for all the aggregates of a run).
    async fn guardar(&self, uow: &mut Self::Uow, aggregate: &A) -> Result<(), StoreError>;
}

/// Preloads the aggregates a run of messages addresses (`id_of` gives a
/// message's; `None` for one `apply` will refuse, e.g. undecodable).
pub async fn preload_run<A, R>(
    repository: &R,
    uow: &mut R::Uow,
    run: &[&Message],
    id_of: impl Fn(&Message) -> Option<EntityId> + Send,
) -> Result<(), HandleError>
where
    R: Repository<A>,
{
    let ids: Vec<EntityId> = run.iter().filter_map(|m| id_of(m)).collect();
    Ok(repository.precargar(uow, &ids).await?)
}

/// Reads a context's records for queries, outside any unit of work, each
/// shown as its view `V`. Each context names its own port for its role
/// (`trait ConsultaCompanias: RecordQueries<CompaniaVista>`).
#[async_trait]
pub trait RecordQueries<V>: Send + Sync + 'static {
    async fn por_id(&self, id: EntityId) -> Result<Option<V>, StoreError>;

    /// A page of the listed records, optionally of one estado.
    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<V>, StoreError>;
}
