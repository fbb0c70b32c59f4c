// PropAlpes web UI, the reviewer's workbench: paged, filtered tables of
// companies, properties, geographic data and their audits with a detail
// drawer; the missing-data report; the session; the operations view
// (services, dead letters, sagas). GraphQL over
// fetch, live updates over graphql-transport-ws. No framework, no build
// step. Data only ever reaches the page through textContent and
// attributes (never innerHTML), so a record cannot inject markup.
"use strict";

/* ------------------------------------------------------------------ */
/* Session: the token and the requests that carry it                   */
/* ------------------------------------------------------------------ */

const CLAVE_TOKEN = "propalpes.token";

// `?token=` wins over the stored token, as it always has; it is not stored.
let token = new URLSearchParams(location.search).get("token") || leerTokenGuardado();

function leerTokenGuardado() {
  try {
    return localStorage.getItem(CLAVE_TOKEN);
  } catch (_) {
    return null; // storage disabled: the session lasts as long as the page
  }
}

function guardarToken(nuevo) {
  try {
    if (nuevo) localStorage.setItem(CLAVE_TOKEN, nuevo);
    else localStorage.removeItem(CLAVE_TOKEN);
  } catch (_) {
    /* storage disabled: keep it in memory only */
  }
}

function cabeceras() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// An error the server named: its code and, for bad input, the field.
class GqlError extends Error {
  constructor(e) {
    super(e.message);
    this.code = e.extensions && e.extensions.code;
    this.field = e.extensions && e.extensions.field;
  }
}

// What the server's error codes mean to the person using the page.
const MENSAJES = {
  UNAUTHENTICATED: "Necesita iniciar sesión para continuar.",
  TOKEN_EXPIRED: "Su sesión venció: vuelva a iniciar sesión.",
  INVALID_TOKEN: "El token de la sesión no es válido: inicie sesión de nuevo o salga.",
  FORBIDDEN: "Su rol no permite esta acción.",
  UNAVAILABLE: "Los datos no están disponibles en este momento; inténtelo de nuevo.",
  PAGE_SIZE_TOO_LARGE: "La página pedida es demasiado grande (máximo 100 filas).",
};

// The codes that mean «sign in (again)».
const SIN_SESION = new Set(["UNAUTHENTICATED", "TOKEN_EXPIRED", "INVALID_TOKEN"]);

function mensaje(e) {
  return (e.code && MENSAJES[e.code]) || e.message;
}

async function gql(query, variables = {}, { sinToken = false } = {}) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(sinToken ? {} : cabeceras()) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (_) {
    throw new Error("No se pudo contactar el servidor; inténtelo de nuevo.");
  }
  const body = await res.json().catch(() => ({ errors: [{ message: `respuesta inválida del servidor (${res.status})` }] }));
  if (body.errors && body.errors.length) {
    const error = new GqlError(body.errors[0]);
    if (SIN_SESION.has(error.code) && !sinToken) pedirSesion(mensaje(error));
    throw error;
  }
  return body.data;
}

/* ------------------------------------------------------------------ */
/* Small DOM helpers                                                   */
/* ------------------------------------------------------------------ */

// el("td", { class: "x", text: "y", "data-id": id }, ...children)
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

// Equal to toLocaleString("es-CO"), with the formatter built once (a page
// of 100 rows formats 200 dates).
const FORMATO_FECHA = new Intl.DateTimeFormat("es-CO", {
  year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
});

function fecha(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : FORMATO_FECHA.format(d);
}

const numero = (n) => Number(n).toLocaleString("es-CO");

// Ids share long prefixes (UUIDv7 starts with the time): the end tells them apart.
const sufijo = (id) => String(id).slice(-8);

function celdaId(id) {
  return el("td", { class: "id" }, el("code", { title: id, text: sufijo(id) }));
}

const NOMBRES_ESTADO = { PENDIENTE: "Pendiente", APROBADA: "Aprobada", RECHAZADA: "Rechazada", EN_REVISION: "En revisión" };
const nombreEstado = (e) => (e ? NOMBRES_ESTADO[e] || e.charAt(0) + e.slice(1).toLowerCase() : "—");
// The CSS class that colors an estado ("En revisión" has a space).
const claseEstado = (e) => (e === "EN_REVISION" ? "EnRevision" : nombreEstado(e));

// "fuera_de_rango" reads "fuera de rango".
const textoHallazgo = (h) => `${h.campo} ${String(h.problema).replaceAll("_", " ")}`;

function duracion(segundos) {
  if (!(segundos > 0)) return "0 s";
  if (segundos < 90) return `${Math.round(segundos)} s`;
  if (segundos < 5400) return `${Math.round(segundos / 60)} min`;
  return `${(segundos / 3600).toFixed(1)} h`;
}

const plural = (n, uno, varios) => `${n} ${n === 1 ? uno : varios}`;

/* ------------------------------------------------------------------ */
/* Permissions                                                         */
/* ------------------------------------------------------------------ */

// The session as the server reports it; null until known, and then every
// action shows, as the page did before it had sessions.
let sesion = null;

function puede(accion) {
  return !sesion || sesion.anonimo || sesion.puede.includes(accion);
}

// Elements marked data-requiere="crear|decidir|operar" show only to a role
// that may do that (the drawer's «Revisión» needs "decidir"). The
// attribute must be the only reason such an element is hidden.
function aplicarPermisos(raiz = document) {
  for (const node of raiz.querySelectorAll("[data-requiere]")) node.hidden = !puede(node.dataset.requiere);
}

/* ------------------------------------------------------------------ */
/* The tables: the three of records, and the audits                    */
/* ------------------------------------------------------------------ */

const PAGINA = 20;
const ORDENES = [["RECIENTES", "Más recientes"], ["ANTIGUOS", "Más antiguos"], ["NOMBRE_ASC", "Nombre A–Z"], ["NOMBRE_DESC", "Nombre Z–A"]];
const ESTADOS = [["", "Todos"], ["PENDIENTE", "Pendiente"], ["EN_REVISION", "En revisión"], ["APROBADA", "Aprobada"],
  ["RECHAZADA", "Rechazada"]];
const TAMANOS = [["20", "20"], ["50", "50"], ["100", "100"]];
const SIN_HALLAZGO = [["", "Cualquiera"]];

// A table's filters: a <select> (or the search box) whose value the table's
// state keeps under `clave`. Those that narrow the rows `filtran` (the
// order and the page size do not); each starts at `inicial`.
const filtroBuscar = (vista) => ({ clave: "buscar", etiqueta: `Buscar (${vista.buscarEn})`, buscar: true, cls: "buscar",
  inicial: "", filtra: true });
const filtroElegir = (clave, etiqueta, pares, inicial = "", filtra = true) => ({ clave, etiqueta, pares, inicial, filtra });
const filtroTamano = () => ({ clave: "first", id: "tamano", etiqueta: "Filas por página", pares: TAMANOS, inicial: PAGINA,
  numero: true, filtra: false });

// What the three record tables share; each VISTAS entry adds its own.
const REGISTROS = {
  definirFiltros: (vista) => [filtroBuscar(vista), filtroElegir("estado", "Estado", ESTADOS),
    filtroElegir("hallazgo", "Hallazgo", SIN_HALLAZGO), filtroElegir("orden", "Orden", ORDENES, "RECIENTES", false), filtroTamano()],
  cabeceras: cabecerasRegistro,
  fila: filaRegistro,
  consulta: consultaLista,
  variables: variablesLista,
  abrir: (vista, objetivo) => abrirFila(vista, objetivo.closest("tr[data-id]")),
  cuando: (r) => r.fechaCreacion, // the newest-first order
  delReporte: (vista) => reporte.filter((c) => c.tipoEntidad === vista.tipoEntidad),
  nota: "Abra una fila (clic, o Enter sobre ella) para ver su detalle, auditoría e historial.",
  vacia: "Aún no hay registros.",
};

const AUDITORIA_FILA = "auditoria { resultado hallazgos { campo problema explicacion } }";
const AUDITORIA_DETALLE = "auditoria { id resultado fecha motivo revisor hallazgos { campo problema explicacion } }";
const HISTORIAL = "historial { evento descripcion fecha }";

const VISTAS = {
  Compania: {
    ...REGISTROS, clave: "companias", titulo: "Compañías", singular: "Compañía", lista: "companias", uno: "compania",
    tipoEntidad: "COMPANIA", suscripcion: "cambiosCompania",
    campos: "id nombre email identificacion pais telefono estado motivosRechazo fechaCreacion fechaActualizacion",
    buscarEn: "nombre, NIT o id",
    columnas: [["Nombre", (r) => r.nombre], ["Email", (r) => r.email], ["Identificación", (r) => r.identificacion],
      ["País", (r) => r.pais], ["Teléfono", (r) => r.telefono]],
    detalle: [["Nombre", (r) => r.nombre], ["Email", (r) => r.email], ["Identificación (NIT)", (r) => r.identificacion],
      ["País", (r) => r.pais], ["Teléfono", (r) => r.telefono]],
  },
  Propiedad: {
    ...REGISTROS, clave: "propiedades", titulo: "Propiedades", singular: "Propiedad", lista: "propiedades", uno: "propiedad",
    tipoEntidad: "PROPIEDAD", suscripcion: "cambiosPropiedad",
    campos: "id nombre identificacionCatastral nit estado motivosRechazo fechaCreacion fechaActualizacion",
    buscarEn: "nombre, identificación catastral, NIT o id",
    columnas: [["Propiedad", (r) => r.nombre], ["Identificación catastral", (r) => r.identificacionCatastral], ["NIT", (r) => r.nit]],
    detalle: [["Nombre", (r) => r.nombre], ["Identificación catastral", (r) => r.identificacionCatastral],
      ["NIT de la compañía", (r) => r.nit]],
    extraDetalle: "registro { estado paso motivo pasos { paso resultado detalle fecha } } "
      + "datosGeograficos { id nombrePropiedad latitud longitud direccion estado }",
  },
  DatosGeograficos: {
    ...REGISTROS, clave: "geograficos", titulo: "Datos geográficos", singular: "Datos geográficos", lista: "datosGeograficos",
    uno: "datoGeografico", tipoEntidad: "DATOS_GEOGRAFICOS", suscripcion: "cambiosDatosGeograficos",
    campos: "id nombrePropiedad latitud longitud direccion estado motivosRechazo fechaCreacion fechaActualizacion",
    buscarEn: "nombre de la propiedad, dirección o id",
    columnas: [["Propiedad", (r) => r.nombrePropiedad], ["Latitud", (r) => r.latitud], ["Longitud", (r) => r.longitud],
      ["Dirección", (r) => r.direccion]],
    detalle: [["Propiedad", (r) => r.nombrePropiedad], ["Latitud", (r) => r.latitud], ["Longitud", (r) => r.longitud],
      ["Dirección", (r) => r.direccion]],
  },
};

// The audits: one per record, its latest verdict; «Registro» opens the
// audited record's drawer.
const RESULTADOS = [["", "Todos"], ["APROBADA", "Aprobada"], ["RECHAZADA", "Rechazada"], ["EN_REVISION", "En revisión"],
  ["PENDIENTE", "Pendiente"]];
const TIPOS = [["", "Todos"], ["COMPANIA", "Compañía"], ["DATOS_GEOGRAFICOS", "Datos geográficos"], ["PROPIEDAD", "Propiedad"]];
const AUDITORIA_CAMPOS = "id tipoEntidad idEntidad resultado hallazgos { campo problema explicacion } fecha motivo revisor";

const AUDITORIAS = {
  clave: "auditorias", titulo: "Auditorías", lista: "auditorias",
  definirFiltros: () => [filtroElegir("resultado", "Resultado", RESULTADOS),
    { ...filtroElegir("tipo", "Tipo de registro", TIPOS), refrescaHallazgos: true },
    filtroElegir("hallazgo", "Hallazgo", SIN_HALLAZGO), filtroTamano()],
  cabeceras: () => ["Id", "Tipo", "Registro", "Resultado", "Hallazgos", "Decidido por", "Fecha"],
  fila: filaAuditoria,
  consulta: consultaAuditorias,
  variables: variablesAuditorias,
  abrir: (vista, objetivo) => abrirRegistro(objetivo.closest("button[data-registro]")),
  cuando: (a) => a.fecha, // newest verdict first
  // An auditor's later verdict moves an audit that exists to the top: only
  // the rules' first verdict (no revisor, no motivo) is a new audit.
  esAlta: (a) => !a.revisor && !a.motivo,
  idRegistro: (a) => a.idEntidad,
  // The filter names a campo and problema, not a type: each finding once.
  delReporte: (vista) => hallazgosSumados(reporte.filter((c) => !vista.s.tipo || c.tipoEntidad === vista.s.tipo)),
  nota: "«Registro» abre el detalle del registro auditado (clic, o Enter sobre él).",
  vacia: "Aún no hay auditorías.",
};

const TABLAS = [...Object.values(VISTAS), AUDITORIAS];

// A record type as GraphQL's enum names it (COMPANIA) or as audits and
// sagas do (Compania).
const vistaDeTipo = (tipo) => (Object.entries(VISTAS).find(([nombre, v]) => v.tipoEntidad === tipo || nombre === tipo) || [])[1];
const nombreDe = (r) => r.nombre || r.nombrePropiedad || sufijo(r.id);

function estadoInicial(filtros) {
  return {
    ...Object.fromEntries(filtros.map((f) => [f.clave, f.inicial])),
    after: null, // the cursor the current page starts after (null: the first page)
    pila: [], // the `after` of each page before this one, for «Anterior»
    total: 0, siguiente: null, filas: new Map(), cursores: new Map(), pedido: 0, cargada: false,
  };
}

function opciones(select, pares) {
  select.replaceChildren(...pares.map(([valor, texto]) => el("option", { value: valor, text: texto })));
}

function campoFiltro(id, etiqueta, control, cls) {
  return el("div", { class: cls }, el("label", { for: id, text: etiqueta }), control);
}

// A filter's control, known in the table's `dom` by its id's end.
function controlFiltro(vista, f) {
  const id = `${vista.clave}-${f.id || f.clave}`;
  if (f.buscar) return el("input", { id, type: "search", autocomplete: "off" });
  const select = el("select", { id });
  opciones(select, f.pares);
  return select;
}

// Typing waits for a pause (250 ms) before asking the server; a choice asks at once.
function escucharFiltro(vista, f, control) {
  if (f.buscar) {
    let espera;
    control.addEventListener("input", () => {
      clearTimeout(espera);
      espera = setTimeout(() => cambiarFiltro(vista, { [f.clave]: control.value.trim() }), 250);
    });
    return;
  }
  control.addEventListener("change", () => {
    cambiarFiltro(vista, { [f.clave]: f.numero ? Number(control.value) : control.value });
    if (f.refrescaHallazgos) opcionesHallazgo(vista);
  });
}

// Builds a table's filters, the table itself and its pager into its section.
function construirVista(vista) {
  const id = (x) => `${vista.clave}-${x}`;
  vista.filtros = vista.definirFiltros(vista);
  vista.s = estadoInicial(vista.filtros);
  const seccion = document.getElementById(vista.clave);
  const controles = Object.fromEntries(vista.filtros.map((f) => [f.id || f.clave, controlFiltro(vista, f)]));
  const conBuscar = vista.filtros.some((f) => f.buscar);
  const filtros = el("div", { class: conBuscar ? "filtros" : "filtros sin-buscar", role: "search",
    "aria-label": `Filtrar ${vista.titulo.toLowerCase()}` },
  ...vista.filtros.map((f) => campoFiltro(id(f.id || f.clave), f.etiqueta, controles[f.id || f.clave], f.cls)));
  const cambios = el("button", { type: "button", id: id("cambios"), text: "Hay cambios nuevos — recargar" });
  const aviso = el("p", { class: "aviso", id: id("aviso"), hidden: true }, cambios);
  const cabeza = el("tr", {}, ...vista.cabeceras(vista).map((titulo) => el("th", { scope: "col", text: titulo })));
  const tbody = el("tbody");
  const tabla = el("table", { id: `tabla-${vista.clave}` },
    el("caption", { text: `${vista.titulo}: página actual` }), el("thead", {}, cabeza), tbody);
  const nota = el("p", { class: "nota", text: vista.nota });
  const anterior = el("button", { type: "button", class: "secundario", id: id("anterior"), text: "Anterior", disabled: true });
  const siguiente = el("button", { type: "button", class: "secundario", id: id("siguiente"), text: "Siguiente", disabled: true });
  const rango = el("span", { id: id("rango"), role: "status", text: "Cargando…" });
  const paginador = el("div", { class: "paginador", role: "navigation", "aria-label": `Páginas de ${vista.titulo.toLowerCase()}` },
    anterior, rango, siguiente);
  const status = el("div", { class: "status", id: id("status"), role: "status" });
  seccion.append(filtros, aviso, nota, el("div", { class: "scroll" }, tabla), paginador, status);
  vista.dom = { seccion, ...controles, aviso, tbody, anterior, siguiente, rango, status };

  vista.filtros.forEach((f) => escucharFiltro(vista, f, controles[f.id || f.clave]));
  anterior.addEventListener("click", () => paginaAnterior(vista));
  siguiente.addEventListener("click", () => paginaSiguiente(vista));
  cambios.addEventListener("click", () => cargarPagina(vista));
  tbody.addEventListener("click", (e) => vista.abrir(vista, e.target));
  tbody.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.matches("tr[data-id]")) {
      e.preventDefault();
      vista.abrir(vista, e.target);
    }
  });
}

// Any filter, order or size change starts again at the first page.
function cambiarFiltro(vista, cambio) {
  Object.assign(vista.s, cambio);
  return cargarPagina(vista, { after: null, pila: [] });
}

function paginaSiguiente(vista) {
  const s = vista.s;
  if (!s.siguiente) return;
  cargarPagina(vista, { after: s.siguiente, pila: [...s.pila, s.after] });
}

function paginaAnterior(vista) {
  const s = vista.s;
  if (!s.pila.length) return;
  cargarPagina(vista, { after: s.pila[s.pila.length - 1], pila: s.pila.slice(0, -1) });
}

function consultaLista(vista) {
  return `query($estado: Estado, $hallazgo: FiltroHallazgo, $buscar: String, $orden: Orden, $first: Int, $after: String) {
    ${vista.lista}(estado: $estado, hallazgo: $hallazgo, buscar: $buscar, orden: $orden, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${vista.campos} ${AUDITORIA_FILA} } } } }`;
}

// The «Hallazgo» filter's value (see valorHallazgo) as GraphQL takes it.
function filtroHallazgo(valor) {
  if (!valor) return null;
  const [campo, problema] = JSON.parse(valor);
  return { campo, problema };
}

function variablesLista(s, after) {
  return {
    estado: s.estado || null,
    hallazgo: filtroHallazgo(s.hallazgo),
    buscar: s.buscar || null,
    orden: s.orden,
    first: s.first,
    after,
  };
}

// Loads a page (by default the current one again). The position moves
// only once the page arrived, and only the latest request is shown.
async function cargarPagina(vista, destino = { after: vista.s.after, pila: vista.s.pila }) {
  const s = vista.s;
  const pedido = ++s.pedido;
  vista.dom.seccion.setAttribute("aria-busy", "true");
  try {
    const data = await gql(vista.consulta(vista), vista.variables(s, destino.after));
    if (pedido !== s.pedido) return;
    s.after = destino.after;
    s.pila = destino.pila;
    mostrarPagina(vista, data[vista.lista]);
    vista.dom.status.textContent = "";
  } catch (e) {
    if (pedido !== s.pedido) return;
    vista.dom.status.textContent = mensaje(e);
    vista.dom.status.className = "status error";
  } finally {
    if (pedido === s.pedido) vista.dom.seccion.removeAttribute("aria-busy");
  }
}

// Renders a page that arrived; measures it (window.__ultimoRender) with the
// layout it forces, since that is what the reviewer waits for.
function mostrarPagina(vista, conexion) {
  const inicio = performance.now();
  const s = vista.s;
  s.cargada = true;
  s.total = conexion.totalCount;
  s.siguiente = conexion.pageInfo.hasNextPage ? conexion.pageInfo.endCursor : null;
  s.filas = new Map(conexion.edges.map(({ node }) => [node.id, node]));
  s.cursores = new Map(conexion.edges.map(({ cursor, node }) => [node.id, cursor]));
  const fragmento = document.createDocumentFragment();
  for (const r of s.filas.values()) fragmento.append(fila(vista, r));
  if (!s.filas.size) fragmento.append(filaVacia(vista));
  vista.dom.tbody.replaceChildren(fragmento);
  vista.dom.aviso.hidden = true;
  mostrarRango(vista);
  void vista.dom.tbody.offsetHeight; // force style and layout inside the measure
  const ms = performance.now() - inicio;
  window.__ultimoRender = { tabla: vista.clave, filas: s.filas.size, ms: Math.round(ms * 10) / 10 };
}

function filaVacia(vista) {
  const filtrada = vista.filtros.some((f) => f.filtra && vista.s[f.clave]);
  return el("tr", {}, el("td", { colspan: String(vista.cabeceras(vista).length),
    text: filtrada ? "Ningún registro coincide con los filtros." : vista.vacia }));
}

const fila = (vista, r) => vista.fila(vista, r);

function cabecerasRegistro(vista) {
  const [primera, ...resto] = vista.columnas;
  return ["Id", primera[0], "Estado", ...resto.map(([titulo]) => titulo), "Creación", "Actualización", "Motivos"];
}

// Id, name and estado first (what a reviewer scans), the motivos last.
function filaRegistro(vista, r) {
  const [[, nombre], ...resto] = vista.columnas;
  const tr = el("tr", { tabindex: "0", "data-id": r.id });
  tr.append(celdaId(r.id), cell(nombre(r) || "—", "nombre"), cell(nombreEstado(r.estado), `estado ${claseEstado(r.estado)}`),
    ...resto.map(([, valor]) => cell(valor(r) || "—")),
    cell(fecha(r.fechaCreacion), "fecha"), cell(fecha(r.fechaActualizacion), "fecha"), celdaMotivos(r));
  return tr;
}

// The motivos as the record states them; the audit's explanations on hover.
function celdaMotivos(r) {
  const td = cell((r.motivosRechazo || []).join(", "));
  const hallazgos = (r.auditoria && r.auditoria.hallazgos) || [];
  if (hallazgos.length) td.title = hallazgos.map((h) => h.explicacion || textoHallazgo(h)).join("\n");
  return td;
}

function mostrarRango(vista) {
  const s = vista.s;
  const desde = s.pila.length * s.first;
  vista.dom.rango.textContent = s.filas.size
    ? `Mostrando ${numero(desde + 1)}–${numero(desde + s.filas.size)} de ${numero(s.total)}`
    : `Sin resultados (0 de ${numero(s.total)})`;
  vista.dom.anterior.disabled = !s.pila.length;
  vista.dom.siguiente.disabled = !s.siguiente;
}

// The first page, newest first, unfiltered (every filter but the page size
// as it started): where a new record belongs.
function esPrimeraPaginaSinFiltros(vista) {
  const s = vista.s;
  return !s.pila.length && vista.filtros.every((f) => f.clave === "first" || s[f.clave] === f.inicial);
}

// A record the subscription pushed. One on the page is updated in place; a
// new one goes on top of the unfiltered newest-first first page (where the
// server would put it, so nothing else moves); any other change only
// offers a reload, so the page the reviewer is reading does not reorder.
function cambioEnVivo(vista, r) {
  const s = vista.s;
  if (!s.cargada) return; // the page on its way will show it
  if (s.filas.has(r.id)) {
    s.filas.set(r.id, { ...s.filas.get(r.id), ...r });
    reemplazarFila(vista, s.filas.get(r.id));
  } else if (esPrimeraPaginaSinFiltros(vista) && esNueva(vista, r)) {
    agregarArriba(vista, r);
  } else {
    vista.dom.aviso.hidden = false;
  }
  const idRegistro = vista.idRegistro ? vista.idRegistro(r) : r.id;
  if (abierto && abierto.id === idRegistro) cargarDetalle();
}

function esNueva(vista, r) {
  if (vista.esAlta && !vista.esAlta(r)) return false;
  const primera = vista.s.filas.values().next().value;
  return !primera || Date.parse(vista.cuando(r)) >= Date.parse(vista.cuando(primera));
}

function reemplazarFila(vista, r) {
  const vieja = vista.dom.tbody.querySelector(`tr[data-id="${CSS.escape(r.id)}"]`);
  if (!vieja) return;
  const nueva = fila(vista, r);
  nueva.className = vieja.className;
  const foco = document.activeElement;
  const teniaFoco = vieja.contains(foco);
  vieja.replaceWith(nueva);
  if (teniaFoco) (foco === vieja ? nueva : reencontrar(foco, nueva) || nueva).focus();
}

// Keeps the page at its size: the last row moves to the next page, so the
// next page now starts after the row that is last here (cursors name a row).
function agregarArriba(vista, r) {
  const s = vista.s;
  const tbody = vista.dom.tbody;
  if (!s.filas.size) tbody.replaceChildren();
  s.filas = new Map([[r.id, r], ...s.filas]);
  const tr = fila(vista, r);
  tr.classList.add("nueva");
  tbody.prepend(tr);
  s.total += 1;
  if (s.filas.size > s.first) {
    const ultima = [...s.filas.keys()].pop();
    s.filas.delete(ultima);
    tbody.lastElementChild.remove();
    s.siguiente = s.cursores.get([...s.filas.keys()].pop()) || null;
    if (!s.siguiente) vista.dom.aviso.hidden = false; // no cursor to go on from: offer a reload
  }
  mostrarRango(vista);
}

function abrirFila(vista, tr) {
  if (tr) abrirDetalle(vista, tr.dataset.id, tr);
}

// A control redrawn since it was current: the same one by its
// data-origen, a row by its id.
function reencontrar(origen, raiz = document) {
  const selector = origen.dataset.origen ? `[data-origen="${CSS.escape(origen.dataset.origen)}"]`
    : origen.dataset.id ? `tr[data-id="${CSS.escape(origen.dataset.id)}"]` : null;
  return selector && raiz.querySelector(selector);
}

/* The audits' own: their query, row and the button to their record. */

function consultaAuditorias() {
  return `query($resultado: Estado, $tipo: TipoEntidad, $hallazgo: FiltroHallazgo, $first: Int, $after: String) {
    auditorias(resultado: $resultado, tipo: $tipo, hallazgo: $hallazgo, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AUDITORIA_CAMPOS} } } } }`;
}

function variablesAuditorias(s, after) {
  return { resultado: s.resultado || null, tipo: s.tipo || null, hallazgo: filtroHallazgo(s.hallazgo), first: s.first, after };
}

function filaAuditoria(vista, a) {
  const tipo = vistaDeTipo(a.tipoEntidad);
  return el("tr", { "data-id": a.id },
    celdaId(a.id),
    cell(tipo ? tipo.singular : a.tipoEntidad),
    el("td", { class: "registro" }, botonRegistro(a.tipoEntidad, a.idEntidad, `auditoria:${a.id}`)),
    cell(nombreEstado(a.resultado), `estado ${claseEstado(a.resultado)}`),
    celdaHallazgos(a.hallazgos),
    cell(decididoPor(a), "decision"),
    cell(fecha(a.fecha), "fecha"));
}

// Each finding's explanation, one per line.
function celdaHallazgos(hallazgos) {
  if (!hallazgos.length) return cell("—", "hallazgos");
  return el("td", { class: "hallazgos" }, el("ul", {}, ...hallazgos.map((h) => el("li", {
    "data-campo": h.campo, "data-problema": h.problema, title: textoHallazgo(h), text: h.explicacion || textoHallazgo(h) }))));
}

// An auditor's verdict names them and their reason; the rules' is «Reglas».
function decididoPor(a) {
  if (!a.revisor && !a.motivo) return "Reglas";
  return [a.revisor, a.motivo && `«${a.motivo}»`].filter(Boolean).join(": ");
}

// The end of a record's id, as a button that opens its drawer (tables
// listen for its click); `origen` names it uniquely, to find it again.
function botonRegistro(tipoEntidad, idEntidad, origen) {
  const vista = vistaDeTipo(tipoEntidad);
  const codigo = el("code", { title: idEntidad, text: sufijo(idEntidad) });
  if (!vista) return codigo;
  return el("button", { type: "button", class: "enlace abrir-registro", "data-tipo": tipoEntidad, "data-registro": idEntidad,
    "data-origen": origen, "aria-label": `Abrir ${vista.singular.toLowerCase()} …${sufijo(idEntidad)}` }, codigo);
}

// The record's drawer, as its own table opens it.
function abrirRegistro(boton) {
  const vista = boton && vistaDeTipo(boton.dataset.tipo);
  if (vista) abrirDetalle(vista, boton.dataset.registro, boton);
}

/* ------------------------------------------------------------------ */
/* The detail drawer                                                   */
/* ------------------------------------------------------------------ */

const dialogo = document.getElementById("detalle");
const detalleTitulo = document.getElementById("detalle-titulo");
const detalleContenido = document.getElementById("detalle-contenido");
let abierto = null; // { vista, id, origen }: the record the drawer shows

function abrirDetalle(vista, id, origen) {
  abierto = { vista, id, origen: (abierto && abierto.origen) || origen };
  if (revision.para !== id) reiniciarRevision(id);
  detalleTitulo.textContent = `${vista.singular} …${sufijo(id)}`;
  detalleContenido.replaceChildren(el("p", { class: "status", text: "Cargando…" }));
  if (!dialogo.open) dialogo.showModal();
  detalleTitulo.focus();
  cargarDetalle();
}

function consultaDetalle(vista) {
  return `query($id: ID!) { ${vista.uno}(id: $id) { ${vista.campos} ${AUDITORIA_DETALLE} ${HISTORIAL} ${vista.extraDetalle || ""} } }`;
}

async function leerRegistro(vista, id) {
  const data = await gql(consultaDetalle(vista), { id });
  return data[vista.uno];
}

// Only the latest load is shown: a live update's answer and a review's
// may cross.
let pedidoDetalle = 0;

async function cargarDetalle() {
  if (!abierto) return;
  const { vista, id } = abierto;
  const pedido = ++pedidoDetalle;
  try {
    const r = await leerRegistro(vista, id);
    if (!abierto || abierto.id !== id || pedido !== pedidoDetalle) return;
    mostrarDetalle(vista, r);
  } catch (e) {
    if (abierto && abierto.id === id && pedido === pedidoDetalle) {
      detalleContenido.replaceChildren(el("p", { class: "status error", text: mensaje(e) }));
    }
  }
}

// Draws the record; the focus stays where it was (the same control, or
// the review's heading when its button is gone).
function mostrarDetalle(vista, r) {
  if (!r) {
    detalleContenido.replaceChildren(el("p", { text: "No se encontró el registro." }));
    return;
  }
  const enfocado = detalleContenido.contains(document.activeElement) ? document.activeElement : null;
  const enRevision = enfocado && enfocado.closest("#detalle-revision");
  detalleTitulo.textContent = `${vista.singular}: ${nombreDe(r)}`;
  detalleContenido.replaceChildren(...contenidoDetalle(vista, r));
  aplicarPermisos(detalleContenido);
  if (enfocado && !detalleContenido.contains(document.activeElement)) {
    const mismo = enfocado.id && document.getElementById(enfocado.id);
    const destino = mismo && detalleContenido.contains(mismo) && !mismo.disabled ? mismo
      : enRevision ? document.getElementById("revision-titulo") : detalleTitulo;
    if (destino) destino.focus({ preventScroll: true });
  }
}

function contenidoDetalle(vista, r) {
  const datos = [["Id", r.id], ...vista.detalle.map(([etiqueta, valor]) => [etiqueta, valor(r)]),
    ["Motivos de rechazo", (r.motivosRechazo || []).join(", ")],
    ["Creación", fecha(r.fechaCreacion)], ["Última actualización", fecha(r.fechaActualizacion)]];
  return [
    el("dl", {},
      el("dt", { text: "Estado" }),
      el("dd", {}, el("span", { class: `estado ${claseEstado(r.estado)}`, id: "detalle-estado", text: nombreEstado(r.estado) })),
      ...datos.flatMap(([etiqueta, valor]) => [el("dt", { text: etiqueta }), el("dd", { text: valor || "—" })])),
    seccionAuditoria(r.auditoria),
    seccionRevision(r),
    "registro" in r ? seccionRegistro(r.registro) : null,
    "datosGeograficos" in r ? seccionGeografico(r.datosGeograficos) : null,
    seccionHistorial(r.historial || []),
  ].filter(Boolean);
}

function seccionAuditoria(a) {
  const partes = [el("h3", { text: "Auditoría" })];
  if (!a) return el("div", {}, ...partes, el("p", { text: "Aún sin auditoría." }));
  partes.push(el("p", {}, "Resultado: ", el("span", { class: `estado ${claseEstado(a.resultado)}`, text: nombreEstado(a.resultado) }),
    el("span", { class: "cuando", text: ` — ${fecha(a.fecha)}` })));
  // An auditor's verdict (or reopening) and why; the rules' have neither.
  if (a.motivo || a.revisor) {
    const verbo = a.resultado === "EN_REVISION" ? "Reabierto" : "Decidido";
    partes.push(el("p", { id: "detalle-decision", class: "decision",
      text: `${a.revisor ? `${verbo} por ${a.revisor}` : verbo}${a.motivo ? `: «${a.motivo}»` : ""}` }));
  }
  partes.push(el("ul", { id: "detalle-hallazgos" }, ...(a.hallazgos.length
    ? a.hallazgos.map((h) => el("li", { "data-campo": h.campo, "data-problema": h.problema },
      el("strong", { text: textoHallazgo(h) }), ": ", el("span", { class: "explicacion", text: h.explicacion || "—" })))
    : [el("li", { text: "Sin hallazgos: los datos están completos." })])));
  return el("div", {}, ...partes);
}

/* The drawer's «Revisión»: an auditor approves or rejects a record the
   audit left EN_REVISION, or reopens a decided one, always with a written
   reason. The reason, its error and the status are kept across redraws
   (a live update redraws the drawer while the auditor types). */

const revision = {
  para: null, // the record the draft and the status belong to
  enCurso: new Set(), // the records whose review is on its way
  motivo: el("textarea", { id: "revision-motivo", name: "motivo", rows: "3", "aria-required": "true",
    "aria-describedby": "revision-ayuda", spellcheck: "true" }),
  error: el("p", { id: "revision-error", class: "mensaje-error campo-error", hidden: true }),
  estado: el("div", { id: "revision-estado", class: "status", role: "status", "aria-live": "polite" }),
};

const REVISIONES = {
  aprobar: { mutacion: "aprobarRevision", boton: "Aprobar", esperado: "APROBADA", enviando: "Enviando la aprobación…",
    imposible: "El registro ya no está en revisión", desde: ["EN_REVISION"] },
  rechazar: { mutacion: "rechazarRevision", boton: "Rechazar", esperado: "RECHAZADA", enviando: "Enviando el rechazo…",
    imposible: "El registro ya no está en revisión", desde: ["EN_REVISION"] },
  reabrir: { mutacion: "reabrirAuditoria", boton: "Reabrir para revisión", esperado: "EN_REVISION",
    enviando: "Reabriendo la auditoría…", imposible: "El registro ya no está aprobado ni rechazado", desde: ["APROBADA", "RECHAZADA"] },
};

function reiniciarRevision(id) {
  revision.para = id;
  revision.motivo.value = "";
  limpiarErrorMotivo();
  setStatus(revision.estado, "");
}

function errorMotivo(texto) {
  revision.error.textContent = texto;
  revision.error.hidden = false;
  revision.motivo.setAttribute("aria-invalid", "true");
  revision.motivo.setAttribute("aria-describedby", "revision-error revision-ayuda");
  revision.motivo.focus();
}

function limpiarErrorMotivo() {
  revision.error.textContent = "";
  revision.error.hidden = true;
  revision.motivo.removeAttribute("aria-invalid");
  revision.motivo.setAttribute("aria-describedby", "revision-ayuda");
}

revision.motivo.addEventListener("input", () => {
  if (revision.motivo.hasAttribute("aria-invalid") && revision.motivo.value.trim()) limpiarErrorMotivo();
});

function seccionRevision(r) {
  const seccion = el("div", { id: "detalle-revision", class: "revision", role: "group", "aria-labelledby": "revision-titulo",
    "data-requiere": "decidir", "data-estado": r.estado }, el("h3", { id: "revision-titulo", tabindex: "-1", text: "Revisión" }));
  const acciones = r.estado === "EN_REVISION" ? ["aprobar", "rechazar"]
    : r.estado === "APROBADA" || r.estado === "RECHAZADA" ? ["reabrir"] : [];
  if (!acciones.length) {
    seccion.append(el("p", { class: "nota", text: r.estado === "PENDIENTE"
      ? "Pendiente de auditoría: podrá revisarse cuando la auditoría termine."
      : "Este registro no admite una revisión ahora." }), revision.estado);
    return seccion;
  }
  const nota = acciones[0] === "reabrir"
    ? `Decidido (${nombreEstado(r.estado)}). Reabrirlo lo devuelve a revisión; la próxima decisión reemplaza esta.`
    : "La auditoría dejó este registro a una persona: apruébelo o recházelo.";
  const enCurso = revision.enCurso.has(r.id);
  seccion.append(el("p", { class: "nota", text: nota }),
    el("label", { for: "revision-motivo", text: "Motivo (obligatorio)" }), revision.motivo,
    el("p", { id: "revision-ayuda", class: "nota", text: "Queda en la auditoría y el historial, con su nombre." }),
    revision.error,
    el("div", { class: "acciones" }, ...acciones.map((clave) => el("button", {
      type: "button", id: `revision-${clave}`, class: clave === "aprobar" ? null : "secundario",
      text: REVISIONES[clave].boton, disabled: enCurso, onclick: () => revisar(clave) }))),
    revision.estado);
  return seccion;
}

function botonesRevision(deshabilitados) {
  detalleContenido.querySelectorAll("#detalle-revision button").forEach((b) => { b.disabled = deshabilitados; });
}

// Sends the review, follows its command to PROCESADO and then shows the
// record (drawer and row) once its estado is the one the review leads to.
async function revisar(clave) {
  if (!abierto || revision.enCurso.has(abierto.id)) return;
  const accion = REVISIONES[clave];
  const { vista, id } = abierto;
  const motivo = revision.motivo.value.trim();
  if (!motivo) {
    setStatus(revision.estado, "");
    errorMotivo("Escriba el motivo: la revisión no se envía sin una razón escrita.");
    return;
  }
  limpiarErrorMotivo();
  const vigente = () => abierto && abierto.id === id;
  const estado = (texto, tipo) => vigente() && setStatus(revision.estado, texto, tipo);
  revision.enCurso.add(id);
  botonesRevision(true);
  estado(accion.enviando);
  try {
    const data = await gql(`mutation($tipo: TipoEntidad!, $id: ID!, $motivo: String!) {
      ${accion.mutacion}(tipo: $tipo, id: $id, motivo: $motivo) { idComando estado idEntidad } }`,
    { tipo: vista.tipoEntidad, id, motivo });
    const aceptado = data[accion.mutacion];
    estado(`Comando ${aceptado.idComando}: ${ESTADOS_COMANDO[aceptado.estado]}`);
    const final = await seguirComando(aceptado.idComando, el("div"));
    if (!final) {
      estado("El comando sigue en curso; el registro se actualizará en vivo.");
    } else if (final.estado === "FALLIDO") {
      estado(`No se pudo completar: ${final.error || "el comando falló"}.`, "error");
    } else {
      // The command is done; the record's estado follows a moment later.
      let r = await leerRegistro(vista, id);
      for (let i = 0; r && r.estado !== accion.esperado && i < 25; i++) {
        await new Promise((listo) => setTimeout(listo, 400));
        r = await leerRegistro(vista, id);
      }
      if (r) actualizarFila(vista, r);
      if (vigente()) {
        revision.enCurso.delete(id);
        // The reason is on record now (unless the auditor typed another meanwhile).
        if (r && r.estado === accion.esperado && revision.motivo.value.trim() === motivo) revision.motivo.value = "";
        pedidoDetalle++; // an older load on its way must not draw over this one
        mostrarDetalle(vista, r);
        estado(r && r.estado === accion.esperado
          ? `Listo: el registro quedó «${nombreEstado(r.estado)}».`
          : `El comando se procesó; el registro aún está «${nombreEstado(r && r.estado)}» y se actualizará en vivo.`,
        r && r.estado === accion.esperado ? "ok" : "");
      }
    }
  } catch (e) {
    if (e.code === "BAD_USER_INPUT" && e.field === "motivo") {
      if (vigente()) {
        setStatus(revision.estado, "");
        errorMotivo("El servidor no aceptó el motivo: escriba una razón (no puede quedar en blanco).");
      }
    } else if (e.code === "INVALID_TRANSITION") {
      const r = await leerRegistro(vista, id).catch(() => null);
      if (vigente()) {
        revision.enCurso.delete(id);
        if (r) {
          pedidoDetalle++;
          mostrarDetalle(vista, r);
          actualizarFila(vista, r);
        }
        // The server judged a newer estado than the drawer had (or one this
        // page has not caught up with yet).
        const ahora = !r ? "otra persona lo cambió."
          : accion.desde.includes(r.estado) ? "el servidor no lo admitió; el registro se está actualizando, inténtelo de nuevo."
          : `ahora está «${nombreEstado(r.estado)}».`;
        estado(`${accion.imposible}: ${ahora}`, "error");
      }
    } else {
      estado(`No se pudo enviar la revisión: ${mensaje(e)}`, "error");
    }
  } finally {
    revision.enCurso.delete(id);
    if (vigente()) {
      botonesRevision(false);
      if (!dialogo.contains(document.activeElement)) {
        const titulo = document.getElementById("revision-titulo");
        if (titulo) titulo.focus({ preventScroll: true });
      }
    }
  }
}

// The table's row of a record the drawer reloaded, if it is on the page.
function actualizarFila(vista, r) {
  const s = vista.s;
  if (!s.filas.has(r.id)) return;
  const { historial, registro, datosGeograficos, ...fresca } = r;
  s.filas.set(r.id, { ...s.filas.get(r.id), ...fresca });
  reemplazarFila(vista, s.filas.get(r.id));
}

// The registration's saga: where it is and each step it took.
function seccionRegistro(reg) {
  const partes = [el("h3", { text: "Registro (saga)" })];
  if (!reg) return el("div", {}, ...partes, el("p", { text: "Sin registro asociado." }));
  partes.push(el("p", { text: `Estado: ${reg.estado.replace("_", " ")} — paso: ${PASOS[reg.paso] || reg.paso}${reg.motivo ? ` — ${reg.motivo}` : ""}` }));
  partes.push(el("ol", { id: "detalle-pasos" }, ...reg.pasos.map((p) => el("li", {},
    `${PASOS[p.paso] || p.paso}: ${p.resultado}${p.detalle ? ` (${p.detalle})` : ""} `,
    el("span", { class: "cuando", text: fecha(p.fecha) })))));
  return el("div", {}, ...partes);
}

function seccionGeografico(g) {
  const partes = [el("h3", { text: "Datos geográficos" })];
  if (!g) return el("div", {}, ...partes, el("p", { text: "Sin datos geográficos." }));
  partes.push(el("p", { text: `${g.latitud}, ${g.longitud}${g.direccion ? ` — ${g.direccion}` : ""} (${nombreEstado(g.estado)})` }));
  partes.push(el("button", { type: "button", class: "secundario", text: "Ver sus datos geográficos",
    onclick: () => abrirDetalle(VISTAS.DatosGeograficos, g.id) }));
  return el("div", {}, ...partes);
}

function seccionHistorial(historial) {
  return el("div", {}, el("h3", { text: "Historial" }),
    historial.length
      ? el("ol", { id: "detalle-historial" }, ...historial.map((h) => el("li", {},
        el("strong", { text: h.descripcion || h.evento }),
        h.descripcion && !h.descripcion.includes(h.evento) ? ` (${h.evento}) ` : " ",
        el("span", { class: "cuando", text: fecha(h.fecha) }))))
      : el("p", { text: "Sin eventos." }));
}

// Focus goes back to the row (or button) that opened the drawer (redrawn
// ones are found again).
dialogo.addEventListener("close", () => {
  const cerrado = abierto;
  abierto = null;
  if (!cerrado || !cerrado.origen) return;
  const origen = cerrado.origen.isConnected ? cerrado.origen : reencontrar(cerrado.origen);
  if (origen) origen.focus();
});
document.getElementById("cerrar-detalle").addEventListener("click", () => dialogo.close());
// A click on the backdrop (outside the drawer's box) closes it too.
dialogo.addEventListener("click", (e) => {
  if (e.target !== dialogo) return;
  const caja = dialogo.getBoundingClientRect();
  if (e.clientX < caja.left || e.clientX > caja.right || e.clientY < caja.top || e.clientY > caja.bottom) dialogo.close();
});

/* ------------------------------------------------------------------ */
/* The missing-data report                                             */
/* ------------------------------------------------------------------ */

let reporte = [];

async function cargarReporte() {
  const status = document.getElementById("status-reporte");
  try {
    const data = await gql("{ reporteFaltantes { tipoEntidad campo problema explicacion total } }");
    reporte = data.reporteFaltantes;
    status.textContent = "";
  } catch (e) {
    status.textContent = mensaje(e);
    status.className = "status error";
    return;
  }
  mostrarReporte();
  TABLAS.forEach(opcionesHallazgo);
}

function mostrarReporte() {
  const tbody = document.querySelector("#tabla-reporte tbody");
  if (!reporte.length) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: "4", text: "Sin datos faltantes." })));
    return;
  }
  tbody.replaceChildren(...reporte.map((c) => {
    const vista = vistaDeTipo(c.tipoEntidad);
    const titulo = vista ? vista.titulo : c.tipoEntidad || "—";
    const boton = el("button", {
      type: "button", class: "enlace ver-hallazgo", text: textoHallazgo(c),
      "data-tipo": c.tipoEntidad, "data-campo": c.campo, "data-problema": c.problema,
      "aria-label": `Ver ${titulo.toLowerCase()} con ${textoHallazgo(c)}`,
      onclick: () => filtrarPorHallazgo(c),
    });
    return el("tr", {}, cell(titulo), el("td", {}, vista ? boton : textoHallazgo(c)),
      cell(c.explicacion || "—"), cell(numero(c.total), "num"));
  }));
}

const valorHallazgo = (h) => JSON.stringify([h.campo, h.problema]);

// The report's rows with one per finding, their totals added up.
function hallazgosSumados(filas) {
  const porValor = new Map();
  for (const c of filas) {
    const visto = porValor.get(valorHallazgo(c));
    porValor.set(valorHallazgo(c), visto ? { ...visto, total: visto.total + c.total } : c);
  }
  return [...porValor.values()];
}

// The «Hallazgo» filter offers the report's findings of the table's record
// type(s), and keeps the one chosen even when the report no longer lists it.
function opcionesHallazgo(vista) {
  const select = vista.dom.hallazgo;
  const actual = vista.s.hallazgo;
  const pares = [...SIN_HALLAZGO, ...vista.delReporte(vista)
    .map((c) => [valorHallazgo(c), `${textoHallazgo(c)} (${numero(c.total)})`])];
  if (actual && !pares.some(([v]) => v === actual)) {
    const [campo, problema] = JSON.parse(actual);
    pares.push([actual, textoHallazgo({ campo, problema })]);
  }
  opciones(select, pares);
  select.value = actual;
}

// From a report row to its records: the table filtered by that finding
// only (other filters cleared), scrolled to, its heading focused.
function filtrarPorHallazgo(c) {
  const vista = vistaDeTipo(c.tipoEntidad);
  const s = vista.s;
  s.hallazgo = valorHallazgo(c);
  s.estado = "";
  s.buscar = "";
  opcionesHallazgo(vista);
  vista.dom.estado.value = "";
  vista.dom.buscar.value = "";
  cargarPagina(vista, { after: null, pila: [] });
  const titulo = vista.dom.seccion.querySelector("h2");
  titulo.tabIndex = -1;
  vista.dom.seccion.scrollIntoView({ block: "start" });
  titulo.focus({ preventScroll: true });
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

const OPERACIONES = `{ operaciones {
  servicios { nombre listo detalle outboxPendientes outboxAntiguedadSegundos
    consumidores { topic suscripcion retrasoSegundos pausado } }
  cartasMuertas { id topic tipo motivo intentos fecha } } }`;

function anunciar(texto, tipo = "") {
  const anuncio = document.getElementById("anuncio-operaciones");
  anuncio.textContent = texto;
  anuncio.className = `status ${tipo}`;
}

async function cargarOperaciones() {
  const boton = document.getElementById("actualizar-operaciones");
  boton.disabled = true;
  try {
    await Promise.all([cargarServicios(), cargarSagas()]);
  } finally {
    boton.disabled = false;
  }
}

async function cargarServicios() {
  try {
    const { operaciones } = await gql(OPERACIONES);
    mostrarServicios(operaciones.servicios);
    mostrarCartasMuertas(operaciones.cartasMuertas);
  } catch (e) {
    anunciar(`No se pudo cargar la vista de operaciones: ${mensaje(e)}`, "error");
  }
}

/* The sagas: how many in each state, and the failed ones. Asked apart
   from the rest: auditoria answers for them, and when it does not the
   block says so while the rest of the view still shows. */

const SAGAS = `{ operaciones { sagas { porEstado { estado total }
  fallidas { saga tipoEntidad idEntidad decision intentos ultimoError fechaActualizacion } } } }`;
// "pendiente" counts decisions waiting for their reply and registrations
// under way (auditoria lists both so).
const ESTADOS_SAGA = { pendiente: "Pendiente o en curso", completada: "Completada", compensada: "Compensada",
  fallida: "Fallida" };
const NOMBRES_SAGA = { auditoria: "Decisión", registro_propiedad: "Registro de propiedad" };
const DECISIONES = { aprobar: "Aprobar", rechazar: "Rechazar" };

async function cargarSagas() {
  const aviso = document.getElementById("sagas-aviso");
  const datos = document.getElementById("sagas-datos");
  let sagas;
  try {
    sagas = (await gql(SAGAS)).operaciones.sagas;
  } catch (e) {
    aviso.textContent = e.code === "UNAVAILABLE"
      ? "El servicio de auditoría no respondió: las sagas no se pueden mostrar ahora. «Actualizar» vuelve a intentarlo."
      : `No se pudieron cargar las sagas: ${mensaje(e)}`;
    aviso.hidden = false;
    datos.hidden = true;
    return;
  }
  aviso.textContent = "";
  aviso.hidden = true;
  datos.hidden = false;
  mostrarSagasPorEstado(sagas.porEstado);
  mostrarSagasFallidas(sagas.fallidas);
}

// Every known state in its order (0 when the server lists none), then any other.
function mostrarSagasPorEstado(porEstado) {
  const totales = new Map(porEstado.map((e) => [e.estado, e.total]));
  const estados = [...new Set([...Object.keys(ESTADOS_SAGA), ...totales.keys()])];
  document.querySelector("#tabla-sagas-estados tbody").replaceChildren(...estados.map((estado) => el("tr", { "data-estado": estado },
    el("th", { scope: "row", text: ESTADOS_SAGA[estado] || estado }), cell(numero(totales.get(estado) || 0), "num"))));
}

function mostrarSagasFallidas(fallidas) {
  document.querySelector("#tabla-sagas-fallidas tbody").replaceChildren(...(fallidas.length
    ? fallidas.map((f) => el("tr", { "data-saga": f.saga, "data-registro": f.idEntidad },
      cell(NOMBRES_SAGA[f.saga] || f.saga),
      el("td", { class: "registro" }, botonRegistro(f.tipoEntidad, f.idEntidad, `saga:${f.saga}:${f.idEntidad}`)),
      cell(textoDecision(f)), cell(String(f.intentos), "num"), cell(f.ultimoError || "—", "ultimo-error"),
      cell(fecha(f.fechaActualizacion), "fecha")))
    : [el("tr", {}, el("td", { colspan: "6", text: "Ninguna saga fallida." }))]));
}

// A decision saga carries its decision; a registration's, the step it reached.
function textoDecision(f) {
  if (f.saga === "registro_propiedad") return PASOS[f.decision] || f.decision;
  return DECISIONES[f.decision] || f.decision;
}

document.querySelector("#tabla-sagas-fallidas tbody")
  .addEventListener("click", (e) => abrirRegistro(e.target.closest("button[data-registro]")));

function mostrarServicios(servicios) {
  document.querySelector("#tabla-servicios tbody").replaceChildren(...servicios.map((s) => el("tr", { "data-servicio": s.nombre },
    cell(s.nombre),
    el("td", {}, el("span", { class: `badge ${s.listo ? "listo" : "caido"}`, text: s.listo ? "Listo" : "No responde" })),
    cell(s.detalle || "—"),
    cell(numero(s.outboxPendientes), "num"),
    cell(s.outboxPendientes ? duracion(s.outboxAntiguedadSegundos) : "—", "num"))));
  const consumidores = servicios.flatMap((s) => s.consumidores.map((c) => ({ servicio: s.nombre, ...c })));
  document.querySelector("#tabla-consumidores tbody").replaceChildren(...(consumidores.length
    ? consumidores.map((c) => el("tr", {}, cell(c.servicio), cell(c.topic), cell(c.suscripcion),
      cell(duracion(c.retrasoSegundos), "num"), cell(c.pausado ? "Sí" : "No")))
    : [el("tr", {}, el("td", { colspan: "5", text: "Sin consumidores." }))]));
}

// One <tbody> per topic: its heading row carries the «Reintentar» button.
function mostrarCartasMuertas(cartas) {
  const tabla = document.getElementById("tabla-cartas-muertas");
  tabla.querySelectorAll("tbody").forEach((t) => t.remove());
  const porTopic = new Map();
  for (const c of cartas) porTopic.set(c.topic, [...(porTopic.get(c.topic) || []), c]);
  for (const [topic, delTopic] of porTopic) {
    const boton = el("button", { type: "button", class: "reintentar", "data-topic": topic, "data-requiere": "operar",
      "aria-label": `Reintentar las cartas muertas de ${topic}`, text: "Reintentar" });
    boton.addEventListener("click", () => reintentar(topic, boton));
    tabla.append(el("tbody", { class: "topic", "data-topic": topic },
      el("tr", {}, el("th", { scope: "rowgroup", colspan: "5" },
        `${topic} — ${plural(delTopic.length, "carta", "cartas")}`, boton)),
      ...delTopic.map((c) => el("tr", { class: "carta", "data-topic": topic, "data-id": c.id },
        celdaId(c.id), cell(c.tipo || "—"), cell(c.motivo || "—", "motivo"), cell(String(c.intentos), "num"),
        cell(fecha(c.fecha), "fecha")))));
  }
  document.getElementById("sin-cartas").hidden = cartas.length > 0;
  aplicarPermisos(tabla);
}

function textoReintento(r) {
  return `Reintento: ${plural(r.aplicadas, "aplicada", "aplicadas")}, `
    + `${r.fallidasOtraVez} ${r.fallidasOtraVez === 1 ? "falló" : "fallaron"} otra vez, ${r.enEspera} en espera`;
}

async function reintentar(topic, boton) {
  boton.disabled = true;
  anunciar(`Reenviando las cartas muertas de ${topic}…`);
  try {
    const { reintentarCartasMuertas } = await gql(
      "mutation($t: String!) { reintentarCartasMuertas(topic: $t) { reenviadas aplicadas fallidasOtraVez enEspera } }",
      { t: topic });
    anunciar(textoReintento(reintentarCartasMuertas), reintentarCartasMuertas.fallidasOtraVez ? "error" : "ok");
    await cargarOperaciones();
  } catch (e) {
    anunciar(`No se pudo reintentar ${topic}: ${mensaje(e)}`, "error");
    boton.disabled = false;
  }
}

function actualizarOperaciones() {
  cargarOperaciones();
  cargarFallidos().catch(() => {});
}

document.getElementById("actualizar-operaciones").addEventListener("click", actualizarOperaciones);
// Going to the view (the navigation link) shows it fresh.
window.addEventListener("hashchange", () => {
  if (location.hash === "#operaciones") actualizarOperaciones();
});

/* ------------------------------------------------------------------ */
/* Property registrations: the form's progress and the failed ones     */
/* ------------------------------------------------------------------ */

const REGISTRO = "idPropiedad estado paso motivo pasos { paso resultado detalle }";

// The registration the form started, followed step by step.
let siguiendo = null;
const PASOS = {
  crear_propiedad: "Crear la propiedad",
  crear_datos_geograficos: "Crear sus datos geográficos",
  decidir: "Auditoría y decisión",
  compensar: "Compensación",
  terminado: "Fin",
};

const fallidos = new Map();

async function cargarFallidos() {
  const data = await gql(`{ registrosPropiedad(estado: "fallida", first: 100) { edges { node { ${REGISTRO} } } } }`);
  fallidos.clear();
  data.registrosPropiedad.edges.forEach(({ node }) => fallidos.set(node.idPropiedad, node));
  renderFallidos();
}

function renderFallidos() {
  const tbody = document.querySelector("#tabla-registros-fallidos tbody");
  if (!fallidos.size) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: "4", text: "Ningún registro fallido." })));
    return;
  }
  tbody.replaceChildren(
    ...[...fallidos.values()].map((r) => {
      const tr = document.createElement("tr");
      const ultimo = r.pasos[r.pasos.length - 1];
      tr.append(cell(r.idPropiedad), cell(PASOS[r.paso] || r.paso), cell(r.motivo || "—"),
        cell(ultimo ? `${ultimo.resultado}${ultimo.detalle ? ` (${ultimo.detalle})` : ""}` : "—"));
      return tr;
    })
  );
}

// The newest state seen of each registration: a query answered after the
// subscription pushed a later step must not put an older one back.
const registros = new Map();

function showRegistro(r) {
  if (!r) return;
  const known = registros.get(r.idPropiedad);
  if (known && known.pasos.length > r.pasos.length) r = known;
  registros.set(r.idPropiedad, r);
  if (r.estado === "fallida") {
    fallidos.set(r.idPropiedad, r);
    renderFallidos();
  }
  if (r.idPropiedad !== siguiendo) return;
  const panel = document.getElementById("progreso-registro");
  panel.hidden = false;
  const estado = document.getElementById("registro-estado");
  estado.textContent = r.estado.replace("_", " ");
  estado.className = r.estado;
  document.getElementById("registro-motivo").textContent = r.motivo ? `— ${r.motivo}` : "";
  document.getElementById("registro-pasos").replaceChildren(
    ...r.pasos.map((p) => {
      const li = document.createElement("li");
      li.className = p.resultado.split(" ").pop();
      li.textContent = `${PASOS[p.paso] || p.paso}: ${p.resultado}${p.detalle ? ` (${p.detalle})` : ""}`;
      return li;
    })
  );
}

// Follows a registration: its saga's steps as they happen (and once now,
// in case some happened before the subscription saw them).
async function seguir(idPropiedad) {
  siguiendo = idPropiedad;
  document.getElementById("progreso-registro").hidden = false;
  document.getElementById("registro-estado").textContent = "en curso";
  document.getElementById("registro-estado").className = "";
  document.getElementById("registro-motivo").textContent = "";
  document.getElementById("registro-pasos").replaceChildren();
  // Steps the subscription pushed before the answer to the mutation came.
  if (registros.has(idPropiedad)) showRegistro(registros.get(idPropiedad));
  const data = await gql(`query($id: ID!) { registroPropiedad(id: $id) { ${REGISTRO} } }`, { id: idPropiedad });
  showRegistro(data.registroPropiedad);
}

/* ------------------------------------------------------------------ */
/* Live updates                                                        */
/* ------------------------------------------------------------------ */

let conexion = null; // the current WebSocket; an older one closing is ignored
let reintentos = 0;
let seCayo = false; // a dropped connection: what it missed is reloaded on return

function suscribir() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/graphql/ws`, "graphql-transport-ws");
  conexion = ws;
  const live = document.getElementById("live");
  const enviar = (id, query) => ws.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
  // Browsers cannot set headers on a WebSocket: the token goes in connection_init.
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: cabeceras() }));
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "connection_ack") {
      live.textContent = "en vivo";
      reintentos = 0;
      for (const [id, vista] of Object.entries(POR_SUSCRIPCION)) {
        enviar(id, `subscription { ${vista.suscripcion} { ${vista.campos} ${AUDITORIA_FILA} } }`);
      }
      enviar("r", `subscription { cambiosRegistroPropiedad { ${REGISTRO} } }`);
      enviar("a", `subscription { auditoriasCompletadas { ${AUDITORIA_CAMPOS} } }`);
      if (seCayo) {
        seCayo = false;
        recargarTodo();
      }
    } else if (msg.type === "next") {
      alRecibir(msg.id, msg.payload.data || {});
    } else if (msg.type === "error") {
      live.textContent = "sin cambios en vivo";
    } else if (msg.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    }
  };
  ws.onclose = () => {
    if (conexion !== ws) return;
    live.textContent = "reconectando…";
    seCayo = true;
    setTimeout(suscribir, Math.min(1000 * 2 ** reintentos++, 10000));
  };
}

const POR_SUSCRIPCION = { c: VISTAS.Compania, g: VISTAS.DatosGeograficos, p: VISTAS.Propiedad };

function alRecibir(id, data) {
  const vista = POR_SUSCRIPCION[id];
  if (vista && data[vista.suscripcion]) cambioEnVivo(vista, data[vista.suscripcion]);
  else if (data.cambiosRegistroPropiedad) showRegistro(data.cambiosRegistroPropiedad);
  else if (data.auditoriasCompletadas) {
    programarReporte();
    cambioEnVivo(AUDITORIAS, data.auditoriasCompletadas);
  }
}

// A burst of audits (a batch import) reloads the report once, not per audit.
let reporteProgramado = null;
function programarReporte() {
  if (reporteProgramado) return;
  reporteProgramado = setTimeout(() => {
    reporteProgramado = null;
    cargarReporte();
  }, 500);
}

// A new token: the open connection authenticated with the old one.
function reconectar() {
  const vieja = conexion;
  conexion = null;
  if (vieja) vieja.close();
  reintentos = 0;
  suscribir();
}

function recargarTodo() {
  TABLAS.forEach((v) => cargarPagina(v));
  cargarReporte();
  cargarOperaciones();
  cargarFallidos().catch(() => {});
}

/* ------------------------------------------------------------------ */
/* Forms                                                               */
/* ------------------------------------------------------------------ */

const ESTADOS_COMANDO = { ACEPTADO: "aceptado", PROCESADO: "procesado", FALLIDO: "fallido" };

function setStatus(status, text, kind = "") {
  status.textContent = text;
  status.className = `status ${kind}`;
}

// Follows a command to PROCESADO or FALLIDO (with the reason); returns
// that { estado, error }, or nothing if it is still on its way after a minute.
async function seguirComando(id, status) {
  for (let i = 0; i < 120; i++) {
    const { estadoComando } = await gql("query($id: ID!) { estadoComando(id: $id) { estado error } }", { id });
    if (estadoComando && estadoComando.estado !== "ACEPTADO") {
      const fallido = estadoComando.estado === "FALLIDO";
      setStatus(status, `Comando ${id}: ${ESTADOS_COMANDO[estadoComando.estado]}${fallido ? ` — ${estadoComando.error || ""}` : ""}`,
        fallido ? "error" : "ok");
      return estadoComando;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// What no record can do without (a name, an identifier) and numbers that
// are numbers; blank optional data and out-of-range values go through, for
// the audit to judge. The first problem is shown on its field.
function validar(formEl, rules) {
  for (const input of formEl.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  for (const [name, check] of Object.entries(rules)) {
    const input = formEl.elements[name];
    const problem = check(input.value.trim());
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return `${input.labels[0].textContent}: ${problem}`;
    }
  }
  return null;
}

const requerido = (v) => (v ? null : "es obligatorio");
// A number; its range is the audit's to judge (it reports fuera_de_rango).
const esNumero = (v) => {
  if (!v) return "es obligatorio";
  return Number.isFinite(Number(v)) ? null : "debe ser un número (p. ej. 4.6097)";
};

function form(id, statusId, mutation, input, rules, accepted = () => {}) {
  const formEl = document.getElementById(id);
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById(statusId);
    const problem = validar(formEl, rules);
    if (problem) return setStatus(status, problem, "error");
    const button = formEl.querySelector("button");
    button.disabled = true;
    setStatus(status, "enviando…");
    try {
      const data = await gql(mutation, { input: input(new FormData(formEl)) });
      const result = Object.values(data)[0];
      setStatus(status, `Comando ${result.idComando}: ${ESTADOS_COMANDO[result.estado]}`);
      formEl.reset();
      accepted(result);
      seguirComando(result.idComando, status).catch(() => {});
    } catch (e) {
      const field = e.field && formEl.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (field) field.setAttribute("aria-invalid", "true");
      setStatus(status, mensaje(e), "error");
    } finally {
      button.disabled = false;
    }
  });
}

form("form-compania", "status-compania",
  "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombre: f.get("nombre"), email: f.get("email"), identificacion: f.get("identificacion"),
    pais: f.get("pais"), telefono: f.get("telefono") }),
  { nombre: requerido, identificacion: requerido });
form("form-registro", "status-registro",
  "mutation($input: RegistrarPropiedadInput!) { registrarPropiedad(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombre: f.get("nombre"), identificacionCatastral: f.get("identificacionCatastral"), nit: f.get("nit"),
    latitud: f.get("latitud"), longitud: f.get("longitud"), direccion: f.get("direccion") }),
  { nombre: requerido, identificacionCatastral: requerido, nit: requerido, latitud: esNumero, longitud: esNumero },
  (result) => seguir(result.idEntidad).catch(() => {}));

/* ------------------------------------------------------------------ */
/* Session UI: who is signed in, signing in and out                    */
/* ------------------------------------------------------------------ */

const SESION = "{ sesion { anonimo rol usuario puede desarrollo } }";
const panelSesion = document.getElementById("panel-sesion");
const botonSesion = document.getElementById("boton-sesion");

async function cargarSesion() {
  try {
    sesion = (await gql(SESION)).sesion;
  } catch (e) {
    if (!SIN_SESION.has(e.code)) {
      document.getElementById("sesion-estado").textContent = `Sesión desconocida: ${mensaje(e)}`;
      return;
    }
    // The token was refused: ask again without it, to learn whether the
    // development sign-in is offered.
    const sinToken = await gql(SESION, {}, { sinToken: true }).catch(() => null);
    sesion = { anonimo: false, rol: null, usuario: null, puede: [], desarrollo: Boolean(sinToken && sinToken.sesion.desarrollo) };
  }
  mostrarSesion();
}

function mostrarSesion() {
  const estado = document.getElementById("sesion-estado");
  if (sesion.anonimo) estado.textContent = "Acceso local sin sesión (todas las acciones)";
  else if (sesion.rol) estado.textContent = `Rol: ${sesion.rol}${sesion.usuario ? ` (${sesion.usuario})` : ""}`;
  else estado.textContent = token ? "Sesión no válida" : "Sin sesión";
  document.getElementById("salir").hidden = !token;
  botonSesion.textContent = token ? "Cambiar de sesión" : "Iniciar sesión";
  document.getElementById("entrar-desarrollo").hidden = !sesion.desarrollo;
  aplicarPermisos();
  // Keep a more precise message the refused request already put there.
  if (!sesion.anonimo && !sesion.rol && !document.getElementById("sesion-mensaje").textContent) {
    pedirSesion("Inicie sesión para consultar y operar.");
  }
}

function abrirPanelSesion(abrir) {
  panelSesion.hidden = !abrir;
  botonSesion.setAttribute("aria-expanded", String(abrir));
}

// The server refused the request for lack of a (valid) session.
function pedirSesion(texto) {
  document.getElementById("sesion-mensaje").textContent = texto;
  abrirPanelSesion(true);
}

async function cambiarToken(nuevo) {
  token = nuevo || null;
  guardarToken(token);
  if (!token && new URLSearchParams(location.search).has("token")) {
    // Signing out also forgets a ?token= the page was opened with.
    const url = new URL(location.href);
    url.searchParams.delete("token");
    history.replaceState(null, "", url);
  }
  document.getElementById("sesion-mensaje").textContent = "";
  abrirPanelSesion(false);
  await cargarSesion();
  reconectar();
  recargarTodo();
}

async function entrarComo(rol) {
  try {
    const data = await gql("mutation($rol: String!) { iniciarSesionDesarrollo(rol: $rol) }", { rol }, { sinToken: true });
    await cambiarToken(data.iniciarSesionDesarrollo);
  } catch (e) {
    document.getElementById("sesion-mensaje").textContent = `No se pudo entrar como ${rol}: ${mensaje(e)}`;
  }
}

botonSesion.addEventListener("click", () => {
  const abrir = panelSesion.hidden;
  abrirPanelSesion(abrir);
  if (abrir) document.getElementById("token").focus();
});
document.getElementById("salir").addEventListener("click", () => cambiarToken(null));
document.getElementById("entrar-operador").addEventListener("click", () => entrarComo("operador"));
document.getElementById("entrar-auditor").addEventListener("click", () => entrarComo("auditor"));
document.getElementById("form-token").addEventListener("submit", (event) => {
  event.preventDefault();
  const campo = document.getElementById("token");
  // Accept a pasted "Bearer eyJ…" as well as the bare token.
  const valor = campo.value.trim().replace(/^Bearer\s+/i, "");
  if (!valor) {
    document.getElementById("sesion-mensaje").textContent = "Pegue un token para continuar.";
    campo.focus();
    return;
  }
  campo.value = "";
  cambiarToken(valor);
});

/* ------------------------------------------------------------------ */
/* Start                                                               */
/* ------------------------------------------------------------------ */

TABLAS.forEach(construirVista);
suscribir();
cargarSesion();
recargarTodo();
