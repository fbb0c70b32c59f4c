// The review queue: every record waiting for a person, of every type,
// oldest first, with its finding in the row. A decided record leaves it
// at once (its command followed in the background, an undo link kept);
// several can be decided together with one shared reason, each still its
// own command and audit entry.
import { el, cell, celdaFecha, setStatus, teclaLibre } from "./dom.js";
import { gql, mensaje, COLA } from "./gql.js";
import { decidir, REVISIONES } from "./revision.js";
import { enlaceRegistro, celdaHallazgos, nombreDe } from "./columnas.js";
import { nombreTipo, numero, plural, ESTADOS_COMANDO } from "./textos.js";

const PAGINA = 20;
const s = { items: [], total: 0, pagina: 0, quitados: new Set(), seleccion: new Set(), pedido: 0, cargada: false };
let dom = null;

export function construir(seccion) {
  const motivo = el("textarea", { id: "cola-motivo", rows: "2", "aria-describedby": "cola-motivo-ayuda" });
  const aprobar = el("button", { type: "button", id: "cola-aprobar", disabled: true, text: "Aprobar seleccionados" });
  const rechazar = el("button", { type: "button", id: "cola-rechazar", class: "secundario", disabled: true,
    text: "Rechazar seleccionados" });
  const todos = el("input", { type: "checkbox", id: "cola-todos", "aria-label": "Seleccionar todos los de esta página" });
  const tbody = el("tbody");
  const anterior = el("button", { type: "button", class: "secundario", id: "cola-anterior", text: "Anterior", disabled: true });
  const siguiente = el("button", { type: "button", class: "secundario", id: "cola-siguiente", text: "Siguiente", disabled: true });
  const rango = el("span", { id: "cola-rango", role: "status", text: "Cargando…" });
  const errorLote = el("p", { id: "cola-error", class: "mensaje-error", hidden: true });
  dom = { seccion, motivo, aprobar, rechazar, todos, tbody, anterior, siguiente, rango, errorLote,
    total: document.getElementById("cola-total"), status: el("div", { class: "status", id: "cola-status", role: "status" }),
    decisiones: el("ul", { id: "cola-decisiones", "aria-live": "polite", "aria-label": "Decisiones enviadas" }) };
  seccion.append(
    el("p", { class: "nota", text: "Los más antiguos primero. Abra uno (Enter, o su nombre) y decida con A (aprobar) o R "
      + "(rechazar): pasa al siguiente. J y K recorren la lista; X marca la fila para decidir varias a la vez." }),
    el("div", { class: "lote", "data-requiere": "decidir", role: "group", "aria-label": "Decidir los seleccionados" },
      el("label", { for: "cola-motivo", text: "Motivo para los seleccionados" }), motivo,
      el("p", { class: "nota", id: "cola-motivo-ayuda", text: "Cada uno recibe su propia decisión con este motivo." }),
      errorLote, el("div", { class: "acciones" }, aprobar, rechazar)),
    el("div", { class: "scroll" }, el("table", { id: "tabla-cola", class: "tarjetas" },
      el("caption", { text: "Registros que esperan una decisión" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, todos),
        ...["Registro", "Tipo", "Hallazgo", "En revisión desde"].map((t) => el("th", { scope: "col", text: t })))), tbody)),
    el("div", { class: "paginador", role: "navigation", "aria-label": "Páginas de la cola" }, anterior, rango, siguiente),
    dom.status, el("h3", { text: "Decisiones de esta sesión" }), dom.decisiones);
  anterior.addEventListener("click", () => irA(s.pagina - 1));
  siguiente.addEventListener("click", () => irA(s.pagina + 1));
  aprobar.addEventListener("click", () => decidirLote("aprobar"));
  rechazar.addEventListener("click", () => decidirLote("rechazar"));
  todos.addEventListener("change", () => {
    for (const v of visibles().slice(s.pagina * PAGINA, (s.pagina + 1) * PAGINA)) {
      if (todos.checked) s.seleccion.add(v.id);
      else s.seleccion.delete(v.id);
    }
    mostrar();
  });
  tbody.addEventListener("change", (e) => {
    const caja = e.target.closest("input[data-seleccion]");
    if (!caja) return;
    if (caja.checked) s.seleccion.add(caja.dataset.seleccion);
    else s.seleccion.delete(caja.dataset.seleccion);
    mostrarSeleccion();
  });
  tbody.addEventListener("keydown", teclas);
}

// J / K move between rows, X marks one (Enter opens: app.js).
function teclas(e) {
  const tr = e.target.closest("tr[data-id]");
  if (!tr || !teclaLibre(e)) return;
  const tecla = e.key.toLowerCase();
  if (tecla === "j" || tecla === "k") {
    e.preventDefault();
    (tecla === "j" ? tr.nextElementSibling : tr.previousElementSibling)?.focus();
  } else if (tecla === "x") {
    e.preventDefault();
    const caja = tr.querySelector("input[data-seleccion]");
    caja.checked = !caja.checked;
    caja.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

// The items still waiting, as far as this page knows.
const visibles = () => s.items.filter((v) => !s.quitados.has(v.id));
export const vecinos = () => visibles().map(({ tipo, id }) => ({ tipo, id }));

export async function cargar() {
  const n = ++s.pedido;
  dom.seccion.setAttribute("aria-busy", "true");
  try {
    const data = await gql(COLA);
    if (n !== s.pedido) return;
    const items = Object.entries(data).flatMap(([tipo, c]) => c.edges.map(({ node }) => ({ tipo, id: node.id, r: node })));
    items.sort((a, b) => Date.parse(a.r.fechaCreacion) - Date.parse(b.r.fechaCreacion) || (a.id < b.id ? -1 : 1));
    const enServidor = new Set(items.map((v) => v.id));
    // A decision the server has applied leaves the server's list too.
    for (const id of s.quitados) if (!enServidor.has(id)) s.quitados.delete(id);
    s.items = items;
    s.total = Object.values(data).reduce((t, c) => t + c.totalCount, 0);
    s.cargada = true;
    mostrar();
    dom.status.textContent = "";
  } catch (e) {
    if (n === s.pedido) setStatus(dom.status, mensaje(e), "error");
  } finally {
    if (n === s.pedido) dom.seccion.removeAttribute("aria-busy");
  }
}

let programada = null;
// Many changes (a burst of audits, a run of decisions) reload once.
export function recargarPronto() {
  clearTimeout(programada);
  programada = setTimeout(cargar, 300);
}

function irA(pagina) {
  s.pagina = pagina;
  mostrar();
  dom.tbody.querySelector("tr[data-id]")?.focus();
}

function mostrar() {
  const lista = visibles();
  const total = Math.max(s.total - [...s.quitados].filter((id) => s.items.some((v) => v.id === id)).length, lista.length);
  const paginas = Math.max(1, Math.ceil(lista.length / PAGINA));
  s.pagina = Math.min(s.pagina, paginas - 1);
  const pagina = lista.slice(s.pagina * PAGINA, (s.pagina + 1) * PAGINA);
  dom.total.textContent = numero(total);
  dom.tbody.replaceChildren(...(pagina.length ? pagina.map(fila)
    : [el("tr", {}, el("td", { colspan: "5", text: "No hay registros pendientes de revisión." }))]));
  const desde = s.pagina * PAGINA;
  dom.rango.textContent = pagina.length
    ? `Mostrando ${numero(desde + 1)}–${numero(desde + pagina.length)} de ${numero(total)}`
    + (total > lista.length ? ` (los ${numero(lista.length)} más antiguos)` : "")
    : "Sin pendientes (0)";
  dom.anterior.disabled = s.pagina === 0;
  dom.siguiente.disabled = s.pagina >= paginas - 1;
  mostrarSeleccion();
}

function fila({ tipo, id, r }) {
  const hallazgos = (r.auditoria && r.auditoria.hallazgos) || [];
  return el("tr", { tabindex: "0", "data-id": id, "data-tipo": tipo },
    el("td", { class: "seleccion" }, el("input", { type: "checkbox", "data-seleccion": id, checked: s.seleccion.has(id),
      "aria-label": `Seleccionar ${nombreDe(r)}` })),
    el("td", { class: "nombre", "data-etiqueta": "Registro" }, enlaceRegistro(tipo, id, nombreDe(r))),
    cell(nombreTipo(tipo), "tipo", "Tipo"),
    celdaHallazgos(hallazgos.map((h) => ({ ...h, valor: r[camelCase(h.campo)] })), "Hallazgo"),
    celdaFecha(r.auditoria ? r.auditoria.fecha : r.fechaCreacion, "En revisión desde"));
}

const camelCase = (campo) => campo.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

function mostrarSeleccion() {
  const n = [...s.seleccion].filter((id) => visibles().some((v) => v.id === id)).length;
  dom.aprobar.textContent = n ? `Aprobar ${plural(n, "seleccionado", "seleccionados")}` : "Aprobar seleccionados";
  dom.rechazar.textContent = n ? `Rechazar ${plural(n, "seleccionado", "seleccionados")}` : "Rechazar seleccionados";
  dom.aprobar.disabled = dom.rechazar.disabled = n === 0;
  const enPagina = visibles().slice(s.pagina * PAGINA, (s.pagina + 1) * PAGINA);
  dom.todos.checked = enPagina.length > 0 && enPagina.every((v) => s.seleccion.has(v.id));
}

// A decision sent (from the drawer or in bulk): the record leaves the
// queue now; its line in «Decisiones» follows the command to its end.
export function decidido({ tipo, id, r, clave, enviado, final, error }) {
  const item = s.items.find((v) => v.id === id);
  const nombre = r ? nombreDe(r) : item ? nombreDe(item.r) : id;
  let linea = dom.decisiones.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (enviado) {
    s.quitados.add(id);
    s.seleccion.delete(id);
    mostrar();
    linea?.remove();
    linea = el("li", { "data-id": id, "data-decision": clave }, enlaceRegistro(tipo, id, nombre),
      ` — ${REVISIONES[clave].hecho} `, el("span", { class: "resultado", text: `(${ESTADOS_COMANDO.ACEPTADO})` }),
      " · ", el("a", { href: "#", "data-abrir": `${tipo}:${id}`, class: "deshacer", text: "deshacer: reabrir" }));
    dom.decisiones.prepend(linea);
    recargarPronto();
    return;
  }
  if (!linea) return;
  const resultado = linea.querySelector(".resultado");
  if (final && final.estado === "PROCESADO") {
    resultado.textContent = `(${ESTADOS_COMANDO.PROCESADO})`;
    resultado.className = "resultado ok";
  } else {
    resultado.textContent = `(no se aplicó: ${error ? mensaje(error) : final ? final.error : "sin respuesta"})`;
    resultado.className = "resultado error";
    s.quitados.delete(id);
  }
  recargarPronto();
}

async function decidirLote(clave) {
  const texto = dom.motivo.value.trim();
  const ids = visibles().filter((v) => s.seleccion.has(v.id));
  if (!texto) {
    dom.errorLote.textContent = "Escriba el motivo: se envía con cada decisión.";
    dom.errorLote.hidden = false;
    dom.motivo.setAttribute("aria-invalid", "true");
    dom.motivo.focus();
    return;
  }
  dom.errorLote.hidden = true;
  dom.motivo.removeAttribute("aria-invalid");
  setStatus(dom.status, `Enviando ${plural(ids.length, "decisión", "decisiones")}…`);
  const resultados = await Promise.allSettled(ids.map(({ tipo, id, r }) =>
    decidir(clave, tipo, id, texto, (final, error) => decidido({ tipo, id, r, clave, final, error }))
      .then(() => decidido({ tipo, id, r, clave, enviado: true }))));
  const fallidas = resultados.filter((x) => x.status === "rejected");
  setStatus(dom.status, fallidas.length
    ? `${plural(ids.length - fallidas.length, "enviada", "enviadas")}; ${fallidas.length} no: ${mensaje(fallidas[0].reason)}`
    : `${plural(ids.length, "decisión enviada", "decisiones enviadas")}.`, fallidas.length ? "error" : "ok");
}
