// The paged tables (companies, properties, geographic data, audits): their
// filters, keyset pages and live rows, their state read from and written
// to the URL. Each table is a «vista» built from its entry in columnas.js.
import { el, opciones } from "./dom.js";
import { gql, mensaje, consultaLista, AUDITORIAS as CONSULTA_AUDITORIAS, consultaNombres } from "./gql.js";
import * as router from "./router.js";
import { REGISTROS, AUDITORIAS, ESTADOS_FILTRO, ORDENES, TAMANOS, cabecerasRegistro, filaRegistro, cabecerasAuditoria,
  filaAuditoria, nombreDe } from "./columnas.js";
import { numero, textoHallazgo, tipoGql } from "./textos.js";

// Each filter: its control, label and first value; those that narrow the
// rows `filtran` (the order and the page size do not). Its key is its URL
// parameter.
const FILTROS = {
  buscar: (v) => ({ etiqueta: `Buscar (${v.buscarEn})`, buscar: true, cls: "buscar", inicial: "", filtra: true }),
  estado: () => ({ etiqueta: "Estado", pares: ESTADOS_FILTRO, inicial: "", filtra: true }),
  resultado: () => ({ etiqueta: "Resultado", pares: ESTADOS_FILTRO, inicial: "", filtra: true }),
  tipo: (v) => ({ etiqueta: "Tipo de registro", pares: v.tiposFiltro, inicial: "", filtra: true, refrescaHallazgos: true }),
  hallazgo: () => ({ etiqueta: "Hallazgo", pares: [["", "Cualquiera"]], inicial: "", filtra: true }),
  orden: () => ({ etiqueta: "Orden", pares: ORDENES, inicial: "RECIENTES", filtra: false }),
  n: () => ({ id: "tamano", etiqueta: "Filas por página", pares: TAMANOS, inicial: "20", filtra: false }),
};

// "email:faltante" ⇄ { campo, problema }.
export const valorHallazgo = (h) => `${h.campo}:${h.problema}`;
function filtroHallazgo(valor) {
  if (!valor || !valor.includes(":")) return null;
  const [campo, problema] = valor.split(":");
  return { campo, problema };
}

export const VISTAS = {
  ...Object.fromEntries(Object.entries(REGISTROS).map(([clave, v]) => [clave, { ...v, clave,
    cabeceras: () => cabecerasRegistro(v), fila: (vista, r) => filaRegistro(vista, r),
    consulta: () => consultaLista(v.tipo), lista: null, cuando: (r) => r.fechaCreacion,
    variables: (s) => ({ estado: s.estado || null, hallazgo: filtroHallazgo(s.hallazgo), buscar: s.buscar || null,
      orden: s.orden, first: Number(s.n) }) }])),
  auditorias: { ...AUDITORIAS, cabeceras: cabecerasAuditoria, fila: (vista, a) => filaAuditoria(a, vista.nombres),
    consulta: () => CONSULTA_AUDITORIAS, cuando: (a) => a.fecha, nombres: new Map(),
    variables: (s) => ({ resultado: s.resultado || null, tipo: s.tipo || null, hallazgo: filtroHallazgo(s.hallazgo),
      first: Number(s.n) }),
    // An auditor's later verdict moves an audit that exists: only the
    // rules' first verdict (no revisor, no motivo) is a new audit.
    esAlta: (a) => !a.revisor && !a.motivo },
};
export const vistaDeTipo = (tipo) => Object.values(VISTAS).find((v) => v.tipo === tipo);

const id = (vista, x) => `${vista.clave}-${x}`;

function controlFiltro(vista, clave, f) {
  const nombre = id(vista, f.id || clave);
  if (f.buscar) return el("input", { id: nombre, type: "search", autocomplete: "off" });
  const select = el("select", { id: nombre });
  opciones(select, f.pares);
  return select;
}

// Builds a table's filters, table and pager into `seccion`.
export function construir(vista, seccion) {
  vista.defs = Object.fromEntries(vista.filtros.map((clave) => [clave, FILTROS[clave](vista)]));
  vista.s = { ...Object.fromEntries(Object.entries(vista.defs).map(([k, f]) => [k, f.inicial])),
    desde: null, pagina: 1, pila: [], total: 0, siguiente: null, filas: new Map(), cursores: new Map(), pedido: 0,
    cargada: false, clave: null };
  const controles = Object.fromEntries(Object.entries(vista.defs).map(([k, f]) => [k, controlFiltro(vista, k, f)]));
  const filtros = el("div", { class: vista.defs.buscar ? "filtros" : "filtros sin-buscar", role: "search",
    "aria-label": `Filtrar ${vista.titulo.toLowerCase()}` },
  ...Object.entries(vista.defs).map(([k, f]) => el("div", { class: f.cls },
    el("label", { for: id(vista, f.id || k), text: f.etiqueta }), controles[k])));
  const cambios = el("button", { type: "button", id: id(vista, "cambios"), text: "Hay cambios nuevos — recargar" });
  const aviso = el("p", { class: "aviso", id: id(vista, "aviso"), hidden: true }, cambios);
  const tbody = el("tbody");
  const tabla = el("table", { id: `tabla-${vista.clave}`, class: "tarjetas" },
    el("caption", { text: `${vista.titulo}: página actual` }),
    el("thead", {}, el("tr", {}, ...vista.cabeceras().map((t) => el("th", { scope: "col", text: t })))), tbody);
  const anterior = el("button", { type: "button", class: "secundario", id: id(vista, "anterior"), text: "Anterior", disabled: true });
  const siguiente = el("button", { type: "button", class: "secundario", id: id(vista, "siguiente"), text: "Siguiente",
    disabled: true });
  const rango = el("span", { id: id(vista, "rango"), role: "status", text: "Cargando…" });
  const status = el("div", { class: "status", id: id(vista, "status"), role: "status" });
  seccion.append(filtros, aviso, el("p", { class: "nota", text: vista.nota }), el("div", { class: "scroll" }, tabla),
    el("div", { class: "paginador", role: "navigation", "aria-label": `Páginas de ${vista.titulo.toLowerCase()}` },
      anterior, rango, siguiente), status);
  vista.dom = { seccion, ...controles, aviso, tbody, anterior, siguiente, rango, status };

  for (const [k, f] of Object.entries(vista.defs)) escucharFiltro(vista, k, f, controles[k]);
  anterior.addEventListener("click", () => paginaAnterior(vista));
  siguiente.addEventListener("click", () => paginaSiguiente(vista));
  cambios.addEventListener("click", () => cargarPagina(vista));
}

// Typing waits for a pause (250 ms) before asking; a choice asks at once.
function escucharFiltro(vista, clave, f, control) {
  if (f.buscar) {
    let espera;
    control.addEventListener("input", () => {
      clearTimeout(espera);
      espera = setTimeout(() => cambiarFiltro(vista, { [clave]: control.value.trim() }), 250);
    });
    return;
  }
  control.addEventListener("change", () => {
    cambiarFiltro(vista, { [clave]: control.value });
    if (f.refrescaHallazgos && vista.reporte) opcionesHallazgo(vista, vista.reporte);
  });
}

// The table's part of the URL: its filters (those not at their first
// value) and its page.
export function parametros(vista) {
  const s = vista.s;
  const params = new URLSearchParams();
  for (const [k, f] of Object.entries(vista.defs)) if (s[k] && s[k] !== f.inicial) params.set(k, s[k]);
  if (s.desde) {
    params.set("pagina", String(s.pagina));
    params.set("desde", s.desde);
  }
  return params;
}

function escribirRuta(vista) {
  const ruta = router.actual();
  const abierto = ruta.params.get("abierto");
  const params = parametros(vista);
  if (abierto) params.set("abierto", abierto);
  router.ir({ ...ruta, params }, { reemplazar: true, estado: { [`pila-${vista.clave}`]: vista.s.pila } });
  vista.s.clave = claveDe(parametros(vista));
}

const claveDe = (params) => params.toString();

// Shows what the URL asks for; loads only when it differs from what shows.
export function aplicarRuta(vista, params, estado = {}) {
  const s = vista.s;
  for (const [k, f] of Object.entries(vista.defs)) {
    s[k] = params.get(k) || f.inicial;
    const control = vista.dom[k];
    if (f.buscar || !control.querySelector(`option[value="${CSS.escape(s[k])}"]`)) {
      if (k === "hallazgo" && s[k]) opcionesHallazgo(vista, vista.reporte || []);
      if (f.buscar) control.value = s[k];
    }
    control.value = s[k];
  }
  s.desde = params.get("desde") || null;
  s.pagina = s.desde ? Math.max(2, Number(params.get("pagina")) || 2) : 1;
  const pila = estado[`pila-${vista.clave}`];
  s.pila = Array.isArray(pila) && pila.length === s.pagina - 1 ? pila : [];
  const clave = claveDe(parametros(vista));
  if (clave !== s.clave || !s.cargada) {
    s.clave = clave;
    cargarPagina(vista);
  }
}

// Any filter, order or size change starts again at the first page.
function cambiarFiltro(vista, cambio) {
  Object.assign(vista.s, cambio, { desde: null, pagina: 1, pila: [] });
  escribirRuta(vista);
  return cargarPagina(vista);
}

function paginaSiguiente(vista) {
  const s = vista.s;
  if (!s.siguiente) return;
  Object.assign(s, { pila: [...s.pila, s.desde], desde: s.siguiente, pagina: s.pagina + 1 });
  escribirRuta(vista);
  cargarPagina(vista);
}

// Back one page: through the cursors seen; from a shared link (no
// cursors kept), to the first page.
function paginaAnterior(vista) {
  const s = vista.s;
  if (s.pagina <= 1) return;
  const pila = s.pila.length ? s.pila : [];
  Object.assign(s, pila.length ? { desde: pila[pila.length - 1], pila: pila.slice(0, -1), pagina: s.pagina - 1 }
    : { desde: null, pila: [], pagina: 1 });
  if (!s.desde) s.pagina = 1;
  escribirRuta(vista);
  cargarPagina(vista);
}

// Loads the page the state names; only the latest request is shown.
export async function cargarPagina(vista) {
  const s = vista.s;
  const pedido = ++s.pedido;
  vista.dom.seccion.setAttribute("aria-busy", "true");
  try {
    const data = await gql(vista.consulta(), { ...vista.variables(s), after: s.desde });
    if (pedido !== s.pedido) return;
    mostrarPagina(vista, Object.values(data)[0]);
    vista.dom.status.textContent = "";
    if (vista.clave === "auditorias") nombrarRegistros(vista);
  } catch (e) {
    if (pedido !== s.pedido) return;
    vista.dom.status.textContent = mensaje(e);
    vista.dom.status.className = "status error";
  } finally {
    if (pedido === s.pedido) vista.dom.seccion.removeAttribute("aria-busy");
  }
}

// Renders a page; its time (layout included) goes on the table as
// data-render-ms, for the reviewer waits for exactly that.
function mostrarPagina(vista, conexion) {
  const inicio = performance.now();
  const s = vista.s;
  s.cargada = true;
  s.total = conexion.totalCount;
  s.siguiente = conexion.pageInfo.hasNextPage ? conexion.pageInfo.endCursor : null;
  s.filas = new Map(conexion.edges.map(({ node }) => [node.id, node]));
  s.cursores = new Map(conexion.edges.map(({ cursor, node }) => [node.id, cursor]));
  const fragmento = document.createDocumentFragment();
  for (const r of s.filas.values()) fragmento.append(vista.fila(vista, r));
  if (!s.filas.size) fragmento.append(filaVacia(vista));
  vista.dom.tbody.replaceChildren(fragmento);
  vista.dom.aviso.hidden = true;
  mostrarRango(vista);
  void vista.dom.tbody.offsetHeight; // force style and layout inside the measure
  const tabla = vista.dom.tbody.parentElement;
  tabla.dataset.renderMs = String(Math.round((performance.now() - inicio) * 10) / 10);
  tabla.dataset.filas = String(s.filas.size);
}

function filaVacia(vista) {
  const filtrada = Object.entries(vista.defs).some(([k, f]) => f.filtra && vista.s[k]);
  return el("tr", {}, el("td", { colspan: String(vista.cabeceras().length),
    text: filtrada ? "Ningún registro coincide con los filtros." : vista.vacia }));
}

// The range never passes the total: a page that shrank (rows decided
// meanwhile) reads what it holds.
function mostrarRango(vista) {
  const s = vista.s;
  const desde = Math.min((s.pagina - 1) * Number(s.n), Math.max(s.total - s.filas.size, 0));
  vista.dom.rango.textContent = s.filas.size
    ? `Mostrando ${numero(desde + 1)}–${numero(desde + s.filas.size)} de ${numero(s.total)}`
    : `Sin resultados (0 de ${numero(s.total)})`;
  vista.dom.anterior.disabled = s.pagina <= 1;
  vista.dom.siguiente.disabled = !s.siguiente;
}

// The audited records' names (one query for the page).
async function nombrarRegistros(vista) {
  const faltan = [...vista.s.filas.values()].filter((a) => !vista.nombres.has(a.idEntidad));
  if (!faltan.length) return;
  const porTipo = {};
  for (const a of faltan) {
    const ids = (porTipo[tipoGql(a.tipoEntidad)] ||= []);
    if (!ids.includes(a.idEntidad)) ids.push(a.idEntidad);
  }
  const data = await gql(consultaNombres(porTipo)).catch(() => null);
  if (!data) return;
  for (const r of Object.values(data)) if (r) vista.nombres.set(r.id, nombreDe(r));
  for (const a of faltan) reemplazarFila(vista, a);
}

// A record the subscription pushed: updated in place when on the page; a
// new one on top of the unfiltered newest-first first page; anything else
// only offers a reload, so the page being read does not reorder.
export function cambioEnVivo(vista, r) {
  const s = vista.s;
  if (!s.cargada) return;
  if (s.filas.has(r.id)) {
    s.filas.set(r.id, { ...s.filas.get(r.id), ...r });
    reemplazarFila(vista, s.filas.get(r.id));
  } else if (esPrimeraSinFiltros(vista) && esNueva(vista, r)) {
    agregarArriba(vista, r);
  } else {
    vista.dom.aviso.hidden = false;
  }
}

function esPrimeraSinFiltros(vista) {
  return vista.s.pagina === 1 && Object.entries(vista.defs).every(([k, f]) => k === "n" || vista.s[k] === f.inicial);
}

function esNueva(vista, r) {
  if (vista.esAlta && !vista.esAlta(r)) return false;
  const primera = vista.s.filas.values().next().value;
  return !primera || Date.parse(vista.cuando(r)) >= Date.parse(vista.cuando(primera));
}

export function reemplazarFila(vista, r) {
  const vieja = vista.dom.tbody.querySelector(`tr[data-id="${CSS.escape(r.id)}"]`);
  if (!vieja) return;
  const nueva = vista.fila(vista, r);
  nueva.className = vieja.className;
  const teniaFoco = vieja === document.activeElement;
  vieja.replaceWith(nueva);
  if (teniaFoco) nueva.focus();
}

// Keeps the page at its size: the last row moves to the next page.
function agregarArriba(vista, r) {
  const s = vista.s;
  const tbody = vista.dom.tbody;
  if (!s.filas.size) tbody.replaceChildren();
  s.filas = new Map([[r.id, r], ...s.filas]);
  const tr = vista.fila(vista, r);
  tr.classList.add("nueva");
  tbody.prepend(tr);
  s.total += 1;
  if (s.filas.size > Number(s.n)) {
    s.filas.delete([...s.filas.keys()].pop());
    tbody.lastElementChild.remove();
    s.siguiente = s.cursores.get([...s.filas.keys()].pop()) || null;
    if (!s.siguiente) vista.dom.aviso.hidden = false;
  }
  mostrarRango(vista);
  if (vista.clave === "auditorias") nombrarRegistros(vista);
}

// The drawer reloaded a record: its row follows, if on the page.
export function actualizarFila(vista, r) {
  if (!vista.s.filas.has(r.id)) return;
  const { historial, registro, datosGeograficos, ...fresca } = r;
  vista.s.filas.set(r.id, { ...vista.s.filas.get(r.id), ...fresca });
  reemplazarFila(vista, vista.s.filas.get(r.id));
}

// The rows in order, as the drawer's «siguiente» walks them.
export const vecinos = (vista) => [...vista.s.filas.values()].map((r) => (vista.tipo
  ? { tipo: vista.tipo, id: r.id } : { tipo: r.tipoEntidad, id: r.idEntidad }));

// The «Hallazgo» filter offers the report's findings of the table's
// type(s), and keeps the one chosen even when the report lists it no more.
export function opcionesHallazgo(vista, reporte) {
  vista.reporte = reporte;
  const delTipo = reporte.filter((c) => (vista.tipo ? c.tipoEntidad === vista.tipo : !vista.s.tipo || c.tipoEntidad === vista.s.tipo));
  const porValor = new Map();
  for (const c of delTipo) {
    const visto = porValor.get(valorHallazgo(c));
    porValor.set(valorHallazgo(c), visto ? { ...visto, total: visto.total + c.total } : c);
  }
  const pares = [["", "Cualquiera"], ...[...porValor.values()].map((c) => [valorHallazgo(c), `${textoHallazgo(c)} (${numero(c.total)})`])];
  const actual = vista.s.hallazgo;
  if (actual && !pares.some(([v]) => v === actual)) pares.push([actual, textoHallazgo(filtroHallazgo(actual))]);
  opciones(vista.dom.hallazgo, pares);
  vista.dom.hallazgo.value = actual;
}
