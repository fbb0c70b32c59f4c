// PropAlpes web UI, the reviewers' and operators' workbench: views with
// addresses (router.js), the review queue (cola.js), the record tables
// (tablas.js), the detail drawer (detalle.js), the operator's dashboard
// (operaciones.js), the registration forms (formularios.js), live updates
// (vivo.js). GraphQL over fetch (gql.js), no framework, no build step:
// ES modules the binary serves. This module only wires them together.
import * as router from "./router.js";
import * as sesion from "./sesion.js";
import * as tablas from "./tablas.js";
import * as cola from "./cola.js";
import * as reporte from "./reporte.js";
import * as detalle from "./detalle.js";
import * as operaciones from "./operaciones.js";
import * as formularios from "./formularios.js";
import * as vivo from "./vivo.js";

const $ = (id) => document.getElementById(id);
let vistaActual = null;
let origen = null; // what opened the drawer, to give it the focus back

/* Which view shows: the URL's */

function tablaActual(ruta = router.actual()) {
  if (ruta.vista === "registros") return tablas.VISTAS[ruta.sub];
  if (ruta.vista === "auditorias") return tablas.VISTAS.auditorias;
  return null;
}

function mostrarRuta(ruta, estado) {
  const cambia = vistaActual !== `${ruta.vista}/${ruta.sub || ""}`;
  const primera = vistaActual === null;
  vistaActual = `${ruta.vista}/${ruta.sub || ""}`;
  for (const v of document.querySelectorAll(".vista")) v.hidden = v.dataset.vista !== ruta.vista;
  for (const a of document.querySelectorAll("nav a[data-vista]")) {
    if (a.dataset.vista === ruta.vista) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  for (const s of document.querySelectorAll("#vista-registros section[data-sub]")) s.hidden = s.dataset.sub !== ruta.sub;
  for (const a of document.querySelectorAll(".subnav a")) {
    if (a.dataset.sub === ruta.sub) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const tabla = tablaActual(ruta);
  if (tabla) tablas.aplicarRuta(tabla, ruta.params, estado);
  if (ruta.vista === "revision" && cambia && !primera) {
    cola.cargar();
    reporte.cargar().then(alLlegarReporte);
  }
  operaciones.activar(ruta.vista === "operaciones");
  const abierto = router.leerAbierto(ruta.params);
  if (abierto) detalle.abrir(abierto.tipo, abierto.id);
  else if ($("detalle").open) detalle.cerrar();
  else if (cambia && !primera) enfocarVista(ruta);
  document.title = `PropAlpes — ${document.querySelector(`nav a[data-vista="${ruta.vista}"]`).firstChild.textContent.trim()}`;
}

function enfocarVista(ruta) {
  const seccion = ruta.vista === "registros" ? $(ruta.sub) : document.querySelector(`#vista-${ruta.vista}`);
  const titulo = seccion && seccion.querySelector("h2");
  if (titulo) titulo.focus({ preventScroll: false });
}

/* Opening and closing a record */

function abrirRegistro(tipo, id, { reemplazar = false, desde = null } = {}) {
  if (desde) origen = desde;
  router.ir(router.con(router.actual(), { abierto: `${tipo}:${id}` }), { reemplazar });
  detalle.abrir(tipo, id);
}

// The list «siguiente» walks: the queue, or the table on show.
function vecinos() {
  const tabla = tablaActual();
  if (tabla) return tablas.vecinos(tabla);
  if (router.actual().vista === "revision") return cola.vecinos();
  return [];
}

function alCerrar(cerrado) {
  const ruta = router.actual();
  if (ruta.params.get("abierto")) {
    // Opened here: going back is closing. Opened from a link: drop it.
    if (history.state && history.state.empujada) router.volver();
    else router.ir(router.con(ruta, { abierto: null }), { reemplazar: true });
  }
  if (!cerrado) return;
  const id = CSS.escape(cerrado.id);
  const visible = (n) => n && n.isConnected && n.offsetParent !== null;
  const destino = [origen, document.querySelector(`.vista:not([hidden]) tr[data-id="${id}"]`),
    document.querySelector(`.vista:not([hidden]) [data-registro="${id}"]`)].find(visible);
  origen = null;
  // The row is gone (decided out of the queue): the view's heading.
  (destino || document.querySelector(".vista:not([hidden]) h2"))?.focus();
}

// Links and rows that open a record, anywhere on the page.
document.addEventListener("click", (e) => {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const enlace = e.target.closest("a[data-abrir]");
  if (enlace) {
    e.preventDefault();
    const [tipo, ...resto] = enlace.dataset.abrir.split(":");
    const fila = enlace.closest("tr[data-id]");
    const desdeDrawer = $("detalle").contains(enlace);
    abrirRegistro(tipo, resto.join(":"), { reemplazar: desdeDrawer, desde: fila || enlace });
    return;
  }
  const fila = e.target.closest("main tr[data-id][data-tipo]");
  if (fila && !e.target.closest("a, button, input, label")) abrirRegistro(fila.dataset.tipo, fila.dataset.id, { desde: fila });
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || !e.target.matches("main tr[data-id]")) return;
  e.preventDefault();
  const tr = e.target;
  if (tr.dataset.tipo) abrirRegistro(tr.dataset.tipo, tr.dataset.id, { desde: tr });
  else tr.querySelector("a[data-abrir]")?.click();
});

/* Live updates */

const TIPOS = new Set(["COMPANIA", "PROPIEDAD", "DATOS_GEOGRAFICOS"]);

function alRecibir(clave, dato) {
  if (TIPOS.has(clave)) {
    tablas.cambioEnVivo(tablas.vistaDeTipo(clave), dato);
    detalle.siEstaAbierto(dato.id);
    if (dato.estado === "EN_REVISION" || cola.vecinos().some((v) => v.id === dato.id)) cola.recargarPronto();
  } else if (clave === "REGISTRO") {
    formularios.mostrarRegistro(dato);
  } else if (clave === "AUDITORIA") {
    tablas.cambioEnVivo(tablas.VISTAS.auditorias, dato);
    reporte.recargarPronto(alLlegarReporte);
    cola.recargarPronto();
  }
}

function alLlegarReporte(filas) {
  for (const vista of Object.values(tablas.VISTAS)) tablas.opcionesHallazgo(vista, filas);
}

function recargarTodo() {
  const tabla = tablaActual();
  if (tabla) tablas.cargarPagina(tabla);
  cola.cargar();
  reporte.cargar().then(alLlegarReporte);
  if (operaciones.estaActiva()) operaciones.cargar();
}

/* Start */

for (const vista of Object.values(tablas.VISTAS)) tablas.construir(vista, $(vista.clave));
cola.construir($("revision"));
reporte.construir($("reporte"));
operaciones.construir({ puede: sesion.puede });
formularios.construir();
// The queue's size, in the navigation too.
new MutationObserver(() => { $("nav-cola-total").textContent = $("cola-total").textContent; })
  .observe($("cola-total"), { childList: true, characterData: true, subtree: true });
detalle.configurar({
  vecinos, puede: sesion.puede, alCerrar,
  mover: ({ tipo, id }) => abrirRegistro(tipo, id, { reemplazar: true }),
  alCambiar: (tipo, r) => {
    const tabla = tablas.vistaDeTipo(tipo);
    if (tabla) tablas.actualizarFila(tabla, r);
  },
  alDecidir: (d) => cola.decidido(d),
});
sesion.construir({ cambio: () => { vivo.reconectar(); recargarTodo(); } });
vivo.iniciar({ alRecibir, alVolver: recargarTodo });
sesion.cargar();
cola.cargar();
reporte.cargar().then(alLlegarReporte);
router.iniciar(mostrarRuta);
