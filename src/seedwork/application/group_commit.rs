//! Group commit at the edge: concurrent callers of one command share
//! transactions. A committer takes what has queued (up to [`MAX_GROUP`]
//! commands), runs each through its handler in one unit of work, commits
//! once and only then answers each caller with its own result. An empty
//! queue is no wait: a lone command is dispatched at once, so latency at
//! low load does not grow; under load the commands that arrive while a
//! group commits form the next one.
//!
//! A command that fails never fails its neighbours: the group's transaction
//! is rolled back, the failing command is run alone (its answer is what it
//! gets on its own) and the rest are run again as a group. A failed commit
//! falls back to one transaction per command. Nothing is answered before
//! its effect is committed.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use super::command::{count_outcome, run_in_span};
use super::{Command, CommandContext, CommandHandler, UnitOfWork, UnitOfWorkFactory, dispatch};

/// Most commands in one transaction (a bound on its statements and on how
/// long its first caller waits behind the others).
pub const MAX_GROUP: usize = 128;

type Answer<C, E> = Result<<C as Command>::Output, E>;

/// One caller's command, waiting for its group.
struct Job<C: Command, E> {
    command: C,
    ctx: CommandContext,
    answer: oneshot::Sender<Answer<C, E>>,
}

/// The queue of one command type (answered with its handler's error `E`)
/// and the committers that drain it. Unbounded: each job is a caller
/// waiting for its answer, so the queue is bounded by the requests the
/// server lets in at once.
pub struct GroupCommit<C: Command, E> {
    queue: mpsc::UnboundedSender<Job<C, E>>,
}

/// The queue is gone: the committers stopped (the runtime is shutting down).
fn stopped<E: From<super::StoreError>>() -> E {
    super::StoreError::Unavailable("the committer stopped".into()).into()
}

impl<C, E> GroupCommit<C, E>
where
    C: Command + Clone + Sync,
    C::Output: 'static,
    E: From<super::StoreError> + Send + 'static,
{
    /// Starts `committers` tasks (transactions in flight at once: 1 on a
    /// single-writer database) over `uows` and `handler`.
    pub fn start<F, H>(uows: F, handler: Arc<H>, committers: usize) -> Self
    where
        F: UnitOfWorkFactory<Uow = H::Uow> + Clone + 'static,
        H: CommandHandler<C, Error = E> + 'static,
    {
        let (queue, receiver) = mpsc::unbounded_channel();
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..committers.max(1) {
            let (uows, handler, receiver) = (uows.clone(), handler.clone(), receiver.clone());
            tokio::spawn(async move {
                while let Some(group) = next_group(&receiver, MAX_GROUP).await {
                    commit_group(&uows, handler.as_ref(), group).await;
                }
            });
        }
        Self { queue }
    }

    /// Queues `command` and waits for its own result, given once the group
    /// it ran in is committed.
    pub async fn submit(&self, command: C, ctx: CommandContext) -> Answer<C, E> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            command,
            ctx,
            answer,
        };
        if self.queue.send(job).is_err() {
            return Err(stopped());
        }
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }
}

/// Waits for one job, then takes whatever else has queued, up to `max`.
async fn next_group<J>(receiver: &Mutex<mpsc::UnboundedReceiver<J>>, max: usize) -> Option<Vec<J>> {
    let mut receiver = receiver.lock().await;
    let first = receiver.recv().await?;
    let mut group = vec![first];
    while group.len() < max {
        match receiver.try_recv() {
            Ok(job) => group.push(job),
            Err(_) => break,
        }
    }
    Some(group)
}

/// Runs `jobs` in as few transactions as their failures allow.
async fn commit_group<F, C, H>(uows: &F, handler: &H, mut jobs: Vec<Job<C, H::Error>>)
where
    F: UnitOfWorkFactory<Uow = H::Uow>,
    C: Command + Clone + Sync,
    H: CommandHandler<C>,
{
    while jobs.len() > 1 {
        match try_group(uows, handler, &jobs).await {
            Attempt::Committed(outputs) => {
                metrics::histogram!("propalpes_group_commit_commands", "command" => C::NAME)
                    .record(jobs.len() as f64);
                for (job, output) in jobs.into_iter().zip(outputs) {
                    count_outcome(C::NAME, true);
                    let _ = job.answer.send(Ok(output));
                }
                return;
            }
            // Alone, the failing command gets its own answer; the others
            // run again together.
            Attempt::Failed(at) => alone(uows, handler, jobs.remove(at)).await,
            Attempt::Broken => break,
        }
    }
    for job in jobs {
        alone(uows, handler, job).await;
    }
}

/// What running a group in one transaction came to.
enum Attempt<O> {
    /// Every command succeeded and the transaction committed.
    Committed(Vec<O>),
    /// The command at this index failed; the transaction was rolled back.
    Failed(usize),
    /// Opening or committing failed: fall back to one transaction each.
    Broken,
}

async fn try_group<F, C, H>(uows: &F, handler: &H, jobs: &[Job<C, H::Error>]) -> Attempt<C::Output>
where
    F: UnitOfWorkFactory<Uow = H::Uow>,
    C: Command + Clone + Sync,
    H: CommandHandler<C>,
{
    let Ok(mut uow) = uows.begin().await else {
        return Attempt::Broken;
    };
    let mut outputs = Vec::with_capacity(jobs.len());
    for (at, job) in jobs.iter().enumerate() {
        match run_in_span(handler, &mut uow, job.command.clone(), &job.ctx).await {
            Ok(output) => outputs.push(output),
            Err(_) => return Attempt::Failed(at),
        }
    }
    match uow.commit().await {
        Ok(()) => Attempt::Committed(outputs),
        Err(error) => {
            tracing::debug!(%error, size = jobs.len(), "group commit failed; one transaction each");
            Attempt::Broken
        }
    }
}

/// One command in a transaction of its own, answered with its result.
async fn alone<F, C, H>(uows: &F, handler: &H, job: Job<C, H::Error>)
where
    F: UnitOfWorkFactory<Uow = H::Uow>,
    C: Command,
    H: CommandHandler<C>,
{
    let result = dispatch(uows, handler, job.command, job.ctx).await;
    let _ = job.answer.send(result);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_trait::async_trait;

    use super::GroupCommit;
    use crate::seedwork::application::testing::{MemoryUnitOfWork, MemoryUnitOfWorkFactory};
    use crate::seedwork::application::{
        Command, CommandContext, CommandHandler, Message, StoreError, UnitOfWork,
    };

    /// Writes one message numbered `n`; 13 is refused.
    #[derive(Debug, Clone)]
    struct Anotar(u32);

    impl Command for Anotar {
        const NAME: &'static str = "Anotar";
        type Output = u32;
    }

    #[derive(Debug, thiserror::Error)]
    enum AnotarError {
        #[error("{0} is refused")]
        Rehusado(u32),
        #[error(transparent)]
        Store(#[from] StoreError),
    }

    struct AnotarHandler;

    #[async_trait]
    impl CommandHandler<Anotar> for AnotarHandler {
        type Uow = MemoryUnitOfWork;
        type Error = AnotarError;

        async fn handle(
            &self,
            uow: &mut MemoryUnitOfWork,
            Anotar(n): Anotar,
            _ctx: &CommandContext,
        ) -> Result<u32, AnotarError> {
            // Written before the refusal: a rolled-back group must not keep it.
            uow.add_message(Message {
                id: n.to_string(),
                topic: "t".into(),
                key: n.to_string(),
                message_type: "Anotado".into(),
                schema_version: 1,
                properties: Default::default(),
                payload: Vec::new(),
                redelivery_count: 0,
            });
            match n {
                13 => Err(AnotarError::Rehusado(n)),
                _ => Ok(n),
            }
        }
    }

    #[tokio::test]
    async fn fifty_concurrent_commands_share_transactions_and_one_refused_fails_alone() {
        let uows = MemoryUnitOfWorkFactory::default();
        let group = Arc::new(GroupCommit::start(uows.clone(), Arc::new(AnotarHandler), 1));
        let callers: Vec<_> = (0..50)
            .map(|n| {
                let group = group.clone();
                tokio::spawn(async move {
                    (n, group.submit(Anotar(n), CommandContext::new_root()).await)
                })
            })
            .collect();
        let mut answered = Vec::new();
        for caller in callers {
            answered.push(caller.await.expect("caller"));
        }
        for (n, answer) in &answered {
            match (n, answer) {
                (13, Err(AnotarError::Rehusado(13))) => {}
                (n, Ok(out)) if out == n => {}
                (n, other) => panic!("{n} answered {other:?}"),
            }
        }
        let committed = uows.committed.lock().expect("lock");
        let mut ids: Vec<u32> = committed
            .messages
            .iter()
            .map(|m| m.id.parse().expect("n"))
            .collect();
        ids.sort_unstable();
        let expected: Vec<u32> = (0..50).filter(|n| *n != 13).collect();
        assert_eq!(ids, expected, "49 written once each, the refused one never");
        assert!(
            committed.commits < 10,
            "{} commits for 49 commands: they did not share transactions",
            committed.commits
        );
    }

    #[tokio::test]
    async fn a_lone_command_is_committed_in_a_transaction_of_its_own() {
        let uows = MemoryUnitOfWorkFactory::default();
        let group = GroupCommit::start(uows.clone(), Arc::new(AnotarHandler), 1);
        let answer = group.submit(Anotar(7), CommandContext::new_root()).await;
        assert_eq!(answer.expect("ok"), 7);
        assert_eq!(uows.committed.lock().expect("lock").commits, 1);
    }
}
