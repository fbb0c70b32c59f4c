// The detail drawer: a record's story (why it is in its state, first),
// its data, the decision an auditor can take, its history, and the
// technical details behind a toggle. «Aprobar y siguiente» and the
// keyboard (A, R, J, K, Ctrl+Enter) walk the list it was opened from.
import { el, setStatus, teclaLibre, tiempo } from "./dom.js";
import { gql, mensaje, consultaDetalle, TIPOS_GQL } from "./gql.js";
import { REVISIONES, accionesPara, decidir, enCurso, seguirComando, enviar } from "./revision.js";
import { nombreEstado, nombreTipo, textoHallazgo, traducirHallazgos, nombrePaso, textoResultadoPaso,
  claseResultado, nombreEstadoRegistro, sufijo, haceTiempo } from "./textos.js";
import { nombreDe, decididoPor } from "./columnas.js";
import { contarCausa, contarSuceso } from "./causa.js";

const dialogo = document.getElementById("detalle");
const titulo = document.getElementById("detalle-titulo");
const contenido = document.getElementById("detalle-contenido");

let abierto = null; // { tipo, id, r }
let pedido = 0;
let ganchos = { vecinos: () => [], mover: () => {}, alCerrar: () => {}, alCambiar: () => {}, puede: () => true };
export const configurar = (g) => { ganchos = { ...ganchos, ...g }; };
export const abiertoAhora = () => abierto;

// The reason typed survives redraws and, for «y siguiente», the next
// record (reviewers often give one reason to a run of records).
const motivo = el("textarea", { id: "revision-motivo", name: "motivo", rows: "3", "aria-required": "true",
  "aria-describedby": "revision-ayuda", spellcheck: "true" });
const errorMotivo = el("p", { id: "revision-error", class: "mensaje-error campo-error", hidden: true });
const estadoRevision = el("div", { id: "revision-estado", class: "status", role: "status", "aria-live": "polite" });
motivo.addEventListener("input", () => motivo.value.trim() && limpiarError());
motivo.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    revisar(e.shiftKey ? "rechazar" : "aprobar", { siguiente: true });
  }
});

export function abrir(tipo, id) {
  const otro = !abierto || abierto.id !== id;
  abierto = { tipo, id, r: otro ? null : abierto.r };
  if (otro) {
    titulo.textContent = `${nombreTipo(tipo)} …${sufijo(id)}`;
    contenido.replaceChildren(el("p", { class: "status", text: "Cargando…" }));
    setStatus(estadoRevision, "");
    limpiarError();
  }
  if (!dialogo.open) dialogo.showModal();
  titulo.focus();
  return cargar();
}

// Closes the drawer and, at once (not on the dialog's later "close"
// event), hands the record back to whoever gives the focus back.
export function cerrar() {
  const cerrado = abierto;
  abierto = null;
  if (dialogo.open) dialogo.close();
  ganchos.alCerrar(cerrado);
}

export async function cargar() {
  if (!abierto || !TIPOS_GQL[abierto.tipo]) return;
  const { tipo, id } = abierto;
  const n = ++pedido;
  try {
    const data = await gql(consultaDetalle(tipo), { id });
    const r = data[TIPOS_GQL[tipo].uno];
    if (!abierto || abierto.id !== id || n !== pedido) return;
    abierto.r = r;
    mostrar(tipo, r);
    if (r) ganchos.alCambiar(tipo, r);
  } catch (e) {
    if (abierto && abierto.id === id && n === pedido) contenido.replaceChildren(el("p", { class: "status error", text: mensaje(e) }));
  }
}

// A live update of the open record.
export function siEstaAbierto(id) {
  if (abierto && abierto.id === id) cargar();
}

function mostrar(tipo, r) {
  if (!r) {
    contenido.replaceChildren(el("p", { text: "No se encontró el registro." }));
    return;
  }
  const enfocado = contenido.contains(document.activeElement) ? document.activeElement : null;
  titulo.textContent = `${nombreTipo(tipo)}: ${nombreDe(r)}`;
  contenido.replaceChildren(...[
    el("p", { id: "detalle-causa", class: `causa causa-${r.estado}` }, ...contarCausa(tipo, r)),
    datos(tipo, r), seccionRevision(tipo, r), seccionRegistro(r), seccionGeografico(r), seccionHistorial(r.historial || []),
    detalleTecnico(tipo, r)].filter(Boolean));
  for (const node of contenido.querySelectorAll("[data-requiere]")) node.hidden = !ganchos.puede(node.dataset.requiere);
  if (enfocado && !contenido.contains(document.activeElement)) {
    const mismo = enfocado.id && document.getElementById(enfocado.id);
    (mismo && contenido.contains(mismo) && !mismo.disabled ? mismo : titulo).focus({ preventScroll: true });
  }
}

const CAMPOS = {
  COMPANIA: [["Nombre", "nombre"], ["Email", "email"], ["Identificación (NIT)", "identificacion"], ["País", "pais"],
    ["Teléfono", "telefono"]],
  PROPIEDAD: [["Nombre", "nombre"], ["Identificación catastral", "identificacionCatastral", "identificacion_catastral"],
    ["NIT de la compañía", "nit"]],
  DATOS_GEOGRAFICOS: [["Propiedad", "nombrePropiedad", "nombre_propiedad"], ["Latitud", "latitud"], ["Longitud", "longitud"],
    ["Dirección", "direccion"]],
};

function datos(tipo, r) {
  const hallazgos = new Map(((r.auditoria && r.auditoria.hallazgos) || []).map((h) => [h.campo, h]));
  const filas = CAMPOS[tipo].flatMap(([etiqueta, clave, campo = clave]) => {
    const h = hallazgos.get(campo);
    return [el("dt", { text: etiqueta }), el("dd", { class: h ? "marcado" : null, "data-campo": campo },
      r[clave] || "—", h ? el("span", { class: "hallazgo-campo", text: ` — ${textoHallazgo(h)}` }) : null)];
  });
  return el("dl", {},
    el("dt", { text: "Estado" }),
    el("dd", {}, el("span", { class: `estado estado-${r.estado}`, id: "detalle-estado", text: nombreEstado(r.estado) })),
    ...filas,
    el("dt", { text: "Registrado" }), el("dd", {}, tiempo(r.fechaCreacion),
      el("span", { class: "cuando", text: ` (${haceTiempo(r.fechaCreacion)})` })));
}

/* «Revisión» */

function seccionRevision(tipo, r) {
  const seccion = el("div", { id: "detalle-revision", role: "group", "aria-labelledby": "revision-titulo",
    "data-requiere": "decidir", "data-estado": r.estado }, el("h3", { id: "revision-titulo", tabindex: "-1", text: "Decisión" }));
  const compensada = r.registro && r.registro.estado === "compensada";
  const acciones = compensada ? [] : accionesPara(r.estado);
  if (!acciones.length) {
    seccion.append(el("p", { class: "nota", text: r.estado === "PENDIENTE"
      ? "Pendiente de auditoría: podrá decidirse cuando la auditoría termine."
      : compensada ? "El registro de esta propiedad se deshizo: no admite otra decisión."
        : "Este registro no admite una decisión ahora." }), estadoRevision);
    return seccion;
  }
  const a = r.auditoria;
  const nota = acciones[0] === "reabrir"
    ? `Decidido (${nombreEstado(r.estado)}). Reabrirlo lo devuelve a revisión; la próxima decisión reemplaza esta.`
    : a && (a.revisor || a.motivo) ? `${a.revisor || "Una persona"} lo reabrió: apruébelo o rechácelo.`
      : "La auditoría dejó la decisión a una persona: apruébelo o rechácelo.";
  const hayOtro = ganchos.vecinos().some((v) => v.id !== r.id);
  const ocupado = enCurso.has(r.id);
  const botones = acciones.flatMap((clave) => [
    el("button", { type: "button", id: `revision-${clave}`, class: clave === "aprobar" ? null : "secundario",
      text: REVISIONES[clave].boton, disabled: ocupado, onclick: () => revisar(clave) }),
    clave !== "reabrir" && hayOtro ? el("button", { type: "button", id: `revision-${clave}-siguiente`, class: "secundario",
      text: `${REVISIONES[clave].boton} y siguiente`, disabled: ocupado, "aria-keyshortcuts": clave === "aprobar" ? "A" : "R",
      onclick: () => revisar(clave, { siguiente: true }) }) : null]);
  seccion.append(el("p", { class: "nota", text: nota }),
    el("label", { for: "revision-motivo", text: "Motivo (obligatorio)" }), motivo,
    el("p", { id: "revision-ayuda", class: "nota",
      text: "Queda en la auditoría y el historial, con su nombre. Atajos: A aprueba y R rechaza y pasan al siguiente; "
        + "J siguiente, K anterior; en el motivo, Ctrl+Enter aprueba y sigue." }),
    errorMotivo, el("div", { class: "acciones" }, ...botones), estadoRevision);
  return seccion;
}

function error(texto) {
  errorMotivo.textContent = texto;
  errorMotivo.hidden = false;
  motivo.setAttribute("aria-invalid", "true");
  motivo.setAttribute("aria-describedby", "revision-error revision-ayuda");
  motivo.focus();
}

function limpiarError() {
  errorMotivo.textContent = "";
  errorMotivo.hidden = true;
  motivo.removeAttribute("aria-invalid");
  motivo.setAttribute("aria-describedby", "revision-ayuda");
}

// Sends the decision. Alone, it waits for the record to show it; «y
// siguiente» moves on at once and the list hears how it ended.
async function revisar(clave, { siguiente = false } = {}) {
  if (!abierto || !abierto.r || enCurso.has(abierto.id)) return;
  const { tipo, id, r } = abierto;
  if (!accionesPara(r.estado).includes(clave)) return;
  const texto = motivo.value.trim();
  if (!texto) {
    setStatus(estadoRevision, "");
    error("Escriba el motivo: la decisión no se envía sin una razón escrita.");
    return;
  }
  limpiarError();
  if (siguiente) {
    const proximo = vecino(+1);
    try {
      await decidir(clave, tipo, id, texto, (final, e) => ganchos.alDecidir?.({ tipo, id, r, clave, final, error: e }));
    } catch (e) {
      return fallo(e, clave);
    }
    ganchos.alDecidir?.({ tipo, id, r, clave, enviado: true });
    if (proximo) ganchos.mover(proximo);
    else cerrar();
    return;
  }
  await revisarYEsperar(clave, tipo, id, texto);
}

async function revisarYEsperar(clave, tipo, id, texto) {
  const accion = REVISIONES[clave];
  const vigente = () => abierto && abierto.id === id;
  contenido.querySelectorAll("#detalle-revision button").forEach((b) => { b.disabled = true; });
  setStatus(estadoRevision, accion.enviando);
  enCurso.set(id, clave);
  try {
    const aceptado = await enviar(clave, tipo, id, texto);
    ganchos.alDecidir?.({ tipo, id, clave, enviado: true });
    const final = await seguirComando(aceptado.idComando);
    if (!final) return vigente() && setStatus(estadoRevision, "El comando sigue en curso; el registro se actualizará en vivo.");
    if (final.estado === "FALLIDO") return vigente() && setStatus(estadoRevision, `No se pudo completar: ${final.error}.`, "error");
    for (let i = 0; i < 25 && vigente(); i++) {
      await cargar();
      if (abierto && abierto.r && abierto.r.estado === accion.esperado) break;
      await new Promise((listo) => setTimeout(listo, 400));
    }
    if (!vigente()) return;
    const listo = abierto.r && abierto.r.estado === accion.esperado;
    if (listo && motivo.value.trim() === texto) motivo.value = "";
    setStatus(estadoRevision, listo ? `Listo: el registro quedó «${nombreEstado(abierto.r.estado)}».`
      : "El comando se procesó; el registro se actualizará en vivo.", listo ? "ok" : "");
  } catch (e) {
    fallo(e, clave);
  } finally {
    enCurso.delete(id);
    if (vigente()) {
      contenido.querySelectorAll("#detalle-revision button").forEach((b) => { b.disabled = false; });
      if (!dialogo.contains(document.activeElement)) document.getElementById("revision-titulo")?.focus({ preventScroll: true });
    }
  }
}

async function fallo(e, clave) {
  if (e.code === "BAD_USER_INPUT" && e.field === "motivo") {
    setStatus(estadoRevision, "");
    return error("El servidor no aceptó el motivo: escriba una razón (no puede quedar en blanco).");
  }
  if (e.code === "INVALID_TRANSITION") {
    await cargar();
    const r = abierto && abierto.r;
    const ahora = !r ? "otra persona lo cambió." : REVISIONES[clave].desde.includes(r.estado)
      ? "el servidor no lo admitió; el registro se está actualizando, inténtelo de nuevo."
      : `ahora está «${nombreEstado(r.estado)}».`;
    return setStatus(estadoRevision, `El registro ya no admite «${REVISIONES[clave].boton}»: ${ahora}`, "error");
  }
  setStatus(estadoRevision, `No se pudo enviar la decisión: ${mensaje(e)}`, "error");
}

// The record before or after the open one in the list it came from.
function vecino(paso) {
  const lista = ganchos.vecinos();
  const i = lista.findIndex((v) => v.id === abierto.id);
  if (i < 0) return lista[0] && lista[0].id !== abierto.id ? lista[0] : null;
  return lista[i + paso] || null;
}

/* The rest of the story */

function seccionRegistro(r) {
  if (!("registro" in r)) return null;
  const reg = r.registro;
  const partes = [el("h3", { text: "Registro de la propiedad" })];
  if (!reg) return el("div", {}, ...partes, el("p", { text: "Sin registro asociado." }));
  partes.push(el("p", { text: `${nombreEstadoRegistro(reg.estado)} — paso: ${nombrePaso(reg.paso)}`
    + `${reg.motivo ? ` — ${traducirHallazgos(reg.motivo)}` : ""}` }));
  partes.push(el("ol", { id: "detalle-pasos" }, ...reg.pasos.map((p) => el("li", { class: `paso-${claseResultado(p.resultado)}` },
    `${nombrePaso(p.paso)}: ${textoResultadoPaso(p.resultado)}${p.detalle ? ` (${traducirHallazgos(p.detalle)})` : ""} `,
    el("span", { class: "cuando" }, tiempo(p.fecha))))));
  return el("div", {}, ...partes);
}

function seccionGeografico(r) {
  if (!("datosGeograficos" in r)) return null;
  const g = r.datosGeograficos;
  const partes = [el("h3", { text: "Datos geográficos" })];
  if (!g) return el("div", {}, ...partes, el("p", { text: "Sin datos geográficos." }));
  partes.push(el("p", {}, `${g.latitud}, ${g.longitud}${g.direccion ? ` — ${g.direccion}` : ""} (${nombreEstado(g.estado)}) `,
    el("a", { href: "#", "data-abrir": `DATOS_GEOGRAFICOS:${g.id}`, text: "Ver sus datos geográficos" })));
  return el("div", {}, ...partes);
}

function seccionHistorial(historial) {
  return el("div", {}, el("h3", { text: "Historial" }), historial.length
    ? el("ol", { id: "detalle-historial" }, ...historial.map((h) => {
      const [que, detalle] = contarSuceso(h);
      return el("li", { "data-evento": h.evento }, el("strong", { text: que }), detalle ? ` — ${detalle} ` : " ",
        el("span", { class: "cuando" }, tiempo(h.fecha)));
    }))
    : el("p", { text: "Sin eventos." }));
}

// Ids, event types and the audit's codes: for whoever debugs, not for reading.
function detalleTecnico(tipo, r) {
  const a = r.auditoria;
  return el("details", { id: "detalle-tecnico" }, el("summary", { text: "Detalle técnico" }),
    el("dl", {}, el("dt", { text: "Id" }), el("dd", {}, el("code", { text: r.id })),
      el("dt", { text: "Tipo" }), el("dd", { text: tipo }),
      el("dt", { text: "Estado (código)" }), el("dd", { text: r.estado }),
      el("dt", { text: "Auditoría" }), el("dd", { text: a ? `${a.id} — ${a.resultado} — ${decididoPor(a)}` : "—" }),
      el("dt", { text: "Motivos (códigos)" }), el("dd", { text: (r.motivosRechazo || []).join(", ") || "—" })),
    el("ol", {}, ...(r.historial || []).map((h) => el("li", {}, el("code", { text: h.evento }), ` ${h.descripcion || ""}`))));
}

/* Keys and closing */

dialogo.addEventListener("keydown", (e) => {
  if (!abierto || !teclaLibre(e)) return;
  const tecla = e.key.toLowerCase();
  if (tecla === "a" || tecla === "r") {
    e.preventDefault();
    revisar(tecla === "a" ? "aprobar" : "rechazar", { siguiente: true });
  } else if (tecla === "j" || tecla === "k") {
    e.preventDefault();
    const otro = vecino(tecla === "j" ? +1 : -1);
    if (otro) ganchos.mover(otro);
  }
});
dialogo.addEventListener("cancel", (e) => {
  e.preventDefault(); // Escape: closed by cerrar, which returns the focus now
  cerrar();
});
dialogo.addEventListener("close", () => {
  if (abierto) cerrar();
});
document.getElementById("cerrar-detalle").addEventListener("click", () => cerrar());
dialogo.addEventListener("click", (e) => {
  if (e.target !== dialogo) return;
  const caja = dialogo.getBoundingClientRect();
  if (e.clientX < caja.left || e.clientX > caja.right || e.clientY < caja.top || e.clientY > caja.bottom) cerrar();
});
