//! What a GraphQL document may cost before any of it runs. The parser and
//! the validator recurse over the document and expand fragments per spread,
//! so a 4 KB argument nested 2,000 deep overflows the stack (the whole
//! process aborts) and 900 bytes of fragments that double at each level
//! take gigabytes. This extension refuses both before they are parsed or
//! validated, on HTTP and WebSocket alike, and bounds one operation's run.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::Value as ConstValue;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensionValues, Name, Request, Response, ServerError, ServerResult};

/// Deepest nesting of `{`, `[` and `(` in a document, and of lists and
/// objects in its variables. Far above any real query (the UI's deepest is
/// 7), far below what overflows the parser's stack (~1,700).
pub const MAX_NESTING: usize = 64;

/// Most selections one operation may expand to, every fragment spread
/// counted where it is spread and `__typename` included.
pub const MAX_SELECTIONS: usize = 2_000;

/// Longest one query or subscription may run (its resolvers' I/O
/// included); a mutation runs to its end.
pub const MAX_RUN: Duration = Duration::from_secs(10);

/// The extension: install with `Schema::build(..).extension(Limites)`.
pub struct Limites;

impl ExtensionFactory for Limites {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitesExtension)
    }
}

struct LimitesExtension;

/// Marks a request whose operations must run to their end (a mutation).
struct SinLimiteDeTiempo;

#[async_trait::async_trait]
impl Extension for LimitesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if anidamiento_documento(&request.query) > MAX_NESTING {
            return Err(rechazo(
                "QUERY_TOO_DEEP",
                format!("the document is nested deeper than {MAX_NESTING} levels"),
            ));
        }
        if request
            .variables
            .iter()
            .any(|(_, v)| anidamiento_valor(v) > MAX_NESTING)
        {
            return Err(rechazo(
                "QUERY_TOO_DEEP",
                format!("a variable is nested deeper than {MAX_NESTING} levels"),
            ));
        }
        // Safe to parse now; the parsed document is kept for execution.
        let documento = request.parsed_query()?;
        let selecciones = selecciones_expandidas(documento)?;
        // A mutation is not cut short: its command may be committed by
        // then, and the client would send it again.
        let muta = documento
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation);
        if selecciones > MAX_SELECTIONS {
            return Err(rechazo(
                "QUERY_TOO_COMPLEX",
                format!(
                    "the operation expands to more than {MAX_SELECTIONS} selections (fragments counted where they are spread)"
                ),
            ));
        }
        let request = if muta {
            request.data(SinLimiteDeTiempo)
        } else {
            request
        };
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if ctx.data_opt::<SinLimiteDeTiempo>().is_some() {
            return next.run(ctx, operation_name).await;
        }
        match tokio::time::timeout(MAX_RUN, next.run(ctx, operation_name)).await {
            Ok(response) => response,
            Err(_) => Response::from_errors(vec![rechazo(
                "QUERY_TIMEOUT",
                format!("the operation ran longer than {} s", MAX_RUN.as_secs()),
            )]),
        }
    }
}

fn rechazo(code: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// The deepest nesting of brackets in a GraphQL document, in one pass that
/// skips strings, block strings and comments (a `{` inside them is text).
pub fn anidamiento_documento(documento: &str) -> usize {
    let bytes = documento.as_bytes();
    let (mut i, mut nivel, mut maximo) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote stays inside the block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                nivel += 1;
                maximo = maximo.max(nivel);
            }
            b'}' | b']' | b')' => nivel = nivel.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    maximo
}

/// The deepest nesting of lists and objects in a variable's value, without
/// recursion (a value may be as deep as the JSON reader allowed).
pub fn anidamiento_valor(valor: &ConstValue) -> usize {
    let mut pendientes = vec![(valor, 0usize)];
    let mut maximo = 0;
    while let Some((valor, nivel)) = pendientes.pop() {
        maximo = maximo.max(nivel);
        match valor {
            ConstValue::List(items) => pendientes.extend(items.iter().map(|v| (v, nivel + 1))),
            ConstValue::Object(campos) => {
                pendientes.extend(campos.values().map(|v| (v, nivel + 1)))
            }
            _ => {}
        }
    }
    maximo
}

/// How many selections the document's largest operation expands to. Each
/// fragment is counted once and remembered, so the count itself stays
/// linear in the document even when the expansion is exponential.
pub fn selecciones_expandidas(documento: &ExecutableDocument) -> ServerResult<usize> {
    let mut cuenta = Conteo {
        documento,
        fragmentos: HashMap::new(),
        en_curso: Vec::new(),
    };
    let mut mayor = 0;
    for (_, operacion) in documento.operations.iter() {
        mayor = mayor.max(cuenta.conjunto(&operacion.node.selection_set.node)?);
    }
    Ok(mayor)
}

struct Conteo<'a> {
    documento: &'a ExecutableDocument,
    fragmentos: HashMap<&'a Name, usize>,
    /// The fragments being counted: a spread of one of them is a cycle.
    en_curso: Vec<&'a Name>,
}

impl<'a> Conteo<'a> {
    fn conjunto(&mut self, conjunto: &'a SelectionSet) -> ServerResult<usize> {
        let mut total = 0usize;
        for seleccion in &conjunto.items {
            let aqui = match &seleccion.node {
                Selection::Field(campo) => 1 + self.conjunto(&campo.node.selection_set.node)?,
                Selection::InlineFragment(fragmento) => {
                    1 + self.conjunto(&fragmento.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    1 + self.fragmento(&spread.node.fragment_name.node)?
                }
            };
            total = total.saturating_add(aqui);
            if total > MAX_SELECTIONS {
                // Enough to refuse; counting on would only cost time.
                return Ok(total);
            }
        }
        Ok(total)
    }

    fn fragmento(&mut self, nombre: &'a Name) -> ServerResult<usize> {
        if let Some(n) = self.fragmentos.get(nombre) {
            return Ok(*n);
        }
        if self.en_curso.contains(&nombre) {
            return Err(rechazo(
                "GRAPHQL_VALIDATION_FAILED",
                format!("fragment {nombre} spreads itself"),
            ));
        }
        // A chain of fragments each spreading the next nests one level per
        // fragment (the validator and the executor recurse along it) while
        // the text does not.
        if self.en_curso.len() >= MAX_NESTING {
            return Err(rechazo(
                "QUERY_TOO_DEEP",
                format!("fragments spread each other more than {MAX_NESTING} deep"),
            ));
        }
        // An unknown fragment is the validator's to report.
        let Some(definicion) = self.documento.fragments.get(nombre) else {
            return Ok(0);
        };
        self.en_curso.push(nombre);
        let n = self.conjunto(&definicion.node.selection_set.node)?;
        self.en_curso.pop();
        self.fragmentos.insert(nombre, n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anidado(n: usize) -> String {
        format!(
            "{{companias(buscar:{}\"x\"{}){{totalCount}}}}",
            "[".repeat(n),
            "]".repeat(n)
        )
    }

    #[test]
    fn nesting_counts_brackets_and_skips_text() {
        assert_eq!(anidamiento_documento("{a{b}}"), 2);
        assert_eq!(anidamiento_documento(&anidado(2000)), 2002);
        assert_eq!(anidamiento_documento("{a(x:\"{{{{[[[\")}"), 2);
        assert_eq!(anidamiento_documento("{a(x:\"\"\"{{{\\\"\"\"{{\"\"\")}"), 2);
        assert_eq!(anidamiento_documento("{a # {{{{\n}"), 1);
    }

    #[test]
    fn variables_nesting_is_measured_without_recursion() {
        let mut v = ConstValue::String("x".into());
        for _ in 0..100_000 {
            v = ConstValue::List(vec![v]);
        }
        assert_eq!(anidamiento_valor(&v), 100_000);
        // Dropping a value that deep recurses: leak it in the test.
        std::mem::forget(v);
    }

    #[test]
    fn doubling_fragments_are_counted_once_each_and_refused() {
        let mut doc = String::from("{...F0}");
        for i in 0..30 {
            doc.push_str(&format!(
                " fragment F{i} on Query{{...F{n} ...F{n}}}",
                n = i + 1
            ));
        }
        doc.push_str(" fragment F30 on Query{__typename}");
        let parsed = async_graphql::parser::parse_query(&doc).unwrap();
        let started = std::time::Instant::now();
        assert!(selecciones_expandidas(&parsed).unwrap() > MAX_SELECTIONS);
        assert!(started.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn ordinary_documents_pass_and_cycles_are_refused() {
        let ok = async_graphql::parser::parse_query(
            "query{companias(first:20){totalCount edges{node{...C}}}} fragment C on Compania{id nombre}",
        )
        .unwrap();
        assert_eq!(selecciones_expandidas(&ok).unwrap(), 7);
        let mut cadena = String::from("{...F0}");
        for i in 0..100 {
            cadena.push_str(&format!(" fragment F{i} on Query{{...F{}}}", i + 1));
        }
        cadena.push_str(" fragment F100 on Query{__typename}");
        let cadena = async_graphql::parser::parse_query(&cadena).unwrap();
        assert!(selecciones_expandidas(&cadena).is_err(), "a chain 100 deep");
        let ciclo = async_graphql::parser::parse_query(
            "{...A} fragment A on Query{...B} fragment B on Query{...A}",
        )
        .unwrap();
        assert!(selecciones_expandidas(&ciclo).is_err());
    }
}
