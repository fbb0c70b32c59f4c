//! The record lists as Relay connections over keyset pages: opaque cursors
//! (the sort key and id of a row, hex-encoded) and `totalCount`.

use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ErrorExtensions, SimpleObject};

use super::errors::{autorizar, bad_input, coded, store};
use super::types::{Auditoria, Estado, FiltroHallazgo, Orden, RegistroPropiedad, TipoEntidad};
use crate::bff_web::application::{
    ConsultaAuditorias, ConsultaRegistros, Cursor, PaginaKeyset, Proyecciones, RegistroVista,
    TipoRegistro,
};
use crate::bff_web::domain::EtapaRegistro;
use crate::seedwork::domain::Accion;

/// Largest page a query may ask for.
pub const MAX_PAGE: usize = 100;
const DEFAULT_PAGE: usize = 20;

pub(super) fn page_size(first: Option<i32>) -> async_graphql::Result<usize> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => Err(coded("BAD_USER_INPUT", "first must not be negative")),
        Some(n) if n as usize > MAX_PAGE => Err(coded(
            "PAGE_SIZE_TOO_LARGE",
            format!("first must be at most {MAX_PAGE}, got {n}"),
        )),
        Some(n) => Ok(n as usize),
    }
}

/// What a list connection carries besides its edges.
#[derive(SimpleObject)]
pub struct Total {
    /// Records that match the filters (all pages).
    pub total_count: i64,
}

pub type Lista<T> = Connection<String, T, Total>;

/// Separates the key from the id inside a cursor (never in an id).
const SEPARADOR: char = '\u{1f}';

fn codificar(cursor: &Cursor) -> String {
    format!("{}{SEPARADOR}{}", cursor.clave, cursor.id)
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decodificar(texto: &str) -> Option<Cursor> {
    let bytes = (0..texto.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(texto.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let texto = String::from_utf8(bytes).ok()?;
    let (clave, id) = texto.rsplit_once(SEPARADOR)?;
    Some(Cursor {
        clave: clave.to_owned(),
        id: id.to_owned(),
    })
}

/// The filters, order and page a list query asks for.
pub struct Pedido {
    pub estado: Option<Estado>,
    pub hallazgo: Option<FiltroHallazgo>,
    pub buscar: Option<String>,
    pub orden: Orden,
    pub first: Option<i32>,
    pub after: Option<String>,
}

/// Longest search text: longer than any name, NIT or id a person types,
/// short enough for every backend's LIKE.
pub const MAX_BUSCAR: usize = 200;

/// The search text, bounded; blank is no search.
fn buscar(texto: Option<String>) -> async_graphql::Result<Option<String>> {
    match texto {
        Some(t) if t.chars().count() > MAX_BUSCAR => Err(coded(
            "BAD_USER_INPUT",
            format!("buscar must be at most {MAX_BUSCAR} characters"),
        )
        .extend_with(|_, e| e.set("field", "buscar"))),
        otro => Ok(otro),
    }
}

/// The cursor a list was asked to start after; `por_fecha` when the
/// list's order is by date (its key must be a date).
fn despues_de(after: Option<String>, por_fecha: bool) -> async_graphql::Result<Option<Cursor>> {
    after
        .map(|a| {
            decodificar(&a)
                .filter(|c| !por_fecha || c.clave.parse::<i64>().is_ok())
                .ok_or_else(|| {
                    coded("BAD_USER_INPUT", "after is not a cursor of this list")
                        .extend_with(|_, e| e.set("field", "after"))
                })
        })
        .transpose()
}

/// A keyset page as a connection.
fn conexion<V, T: From<V> + async_graphql::OutputType>(
    pagina: PaginaKeyset<V>,
    tenia_cursor: bool,
) -> Lista<T> {
    let mut lista = Connection::with_additional_fields(
        tenia_cursor,
        pagina.hay_mas,
        Total {
            total_count: pagina.total,
        },
    );
    lista.edges.extend(
        pagina
            .items
            .into_iter()
            .map(|(cursor, vista)| Edge::new(codificar(&cursor), T::from(vista))),
    );
    lista
}

/// What the audits list is asked for.
pub struct PedidoAuditorias {
    pub resultado: Option<Estado>,
    pub tipo: Option<TipoEntidad>,
    pub hallazgo: Option<FiltroHallazgo>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

/// One page of audits, newest verdict first, as a connection.
pub async fn listar_auditorias(
    ctx: &Context<'_>,
    pedido: PedidoAuditorias,
) -> async_graphql::Result<Lista<Auditoria>> {
    autorizar(ctx, Accion::Consultar)?;
    let tenia_cursor = pedido.after.is_some();
    let consulta = ConsultaAuditorias {
        resultado: pedido.resultado.map(|e| {
            crate::bff_web::domain::EstadoRegistro::from(e)
                .as_str()
                .to_owned()
        }),
        tipo: pedido.tipo.map(TipoRegistro::from),
        hallazgo: pedido.hallazgo.map(|h| (h.campo, h.problema)),
        despues: despues_de(pedido.after, true)?,
        limite: page_size(pedido.first)? as i64,
    };
    let proyecciones = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
    let pagina = proyecciones.auditorias(&consulta).await.map_err(store)?;
    Ok(conexion(pagina, tenia_cursor))
}

/// One page of property registrations, newest first, of one estado or all.
pub async fn listar_registros_propiedad(
    ctx: &Context<'_>,
    estado: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<Lista<RegistroPropiedad>> {
    autorizar(ctx, Accion::Consultar)?;
    // Parsed here, once: an unknown stage is refused naming `estado`, never
    // taken for an empty list.
    let estado = estado
        .map(|e| e.parse::<EtapaRegistro>())
        .transpose()
        .map_err(bad_input)?;
    let tenia_cursor = after.is_some();
    let despues = despues_de(after, true)?;
    let proyecciones = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
    let pagina = proyecciones
        .registros_propiedad(estado, despues.as_ref(), page_size(first)? as i64)
        .await
        .map_err(store)?;
    Ok(conexion(pagina, tenia_cursor))
}

impl Pedido {
    fn consulta(self) -> async_graphql::Result<ConsultaRegistros> {
        let por_fecha = matches!(self.orden, Orden::Recientes | Orden::Antiguos);
        let despues = despues_de(self.after, por_fecha)?;
        Ok(ConsultaRegistros {
            estado: self.estado.map(|e| {
                crate::bff_web::domain::EstadoRegistro::from(e)
                    .as_str()
                    .to_owned()
            }),
            hallazgo: self.hallazgo.map(|h| (h.campo, h.problema)),
            buscar: buscar(self.buscar)?,
            orden: self.orden.into(),
            despues,
            limite: page_size(self.first)? as i64,
        })
    }
}

/// One page of `tipo`'s records as a connection.
pub async fn listar<T>(
    ctx: &Context<'_>,
    tipo: TipoRegistro,
    pedido: Pedido,
) -> async_graphql::Result<Lista<T>>
where
    T: From<RegistroVista> + async_graphql::OutputType,
{
    autorizar(ctx, Accion::Consultar)?;
    let tenia_cursor = pedido.after.is_some();
    let consulta = pedido.consulta()?;
    let proyecciones = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
    let pagina = proyecciones
        .registros(tipo, &consulta)
        .await
        .map_err(store)?;
    Ok(conexion(pagina, tenia_cursor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip_whatever_the_name() {
        let cursor = Cursor {
            clave: "Ñandú & Cía 100% «x»".into(),
            id: "0192-abc".into(),
        };
        assert_eq!(decodificar(&codificar(&cursor)), Some(cursor));
        assert_eq!(decodificar("zz"), None);
        assert_eq!(decodificar("616"), None);
    }
}
