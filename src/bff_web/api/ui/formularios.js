// The registration forms. A company is one command; a property is a saga,
// followed step by step: the form keeps its values until the saga ends,
// and a compensation puts its cause on the field it names.
import { el, setStatus } from "./dom.js";
import { gql, mensaje, CREAR_COMPANIA, REGISTRAR_PROPIEDAD, REGISTRO_PROPIEDAD } from "./gql.js";
import { seguirComando } from "./revision.js";
import { ESTADOS_COMANDO, hallazgosEnTexto, requisito, etiquetaCampo, nombrePaso, textoResultadoPaso, claseResultado,
  nombreEstadoRegistro, traducirHallazgos } from "./textos.js";
import { enlaceRegistro } from "./columnas.js";

const $ = (id) => document.getElementById(id);

// What no record can do without (a name, an identifier) and numbers that
// are numbers; blank optional data and out-of-range values go through, for
// the audit to judge. Each problem is shown on its field.
const requerido = (v) => (v ? null : "es obligatorio");
const esNumero = (v) => (!v ? "es obligatorio" : Number.isFinite(Number(v)) ? null : "debe ser un número (p. ej. 4.6097)");

function limpiarErrores(formEl) {
  for (const input of formEl.querySelectorAll("input")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  formEl.querySelectorAll("p.campo-error").forEach((p) => p.remove());
}

// The problem under its field, tied to it for screen readers.
function errorEnCampo(input, texto) {
  const id = `${input.id}-error`;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
  input.insertAdjacentElement("afterend", el("p", { id, class: "campo-error mensaje-error", text: texto }));
}

function validar(formEl, reglas) {
  limpiarErrores(formEl);
  let primero = null;
  for (const [nombre, regla] of Object.entries(reglas)) {
    const input = formEl.elements[nombre];
    const problema = regla(input.value.trim());
    if (!problema) continue;
    const texto = `${input.labels[0].textContent}: ${problema}`;
    errorEnCampo(input, texto);
    if (!primero) {
      primero = texto;
      input.focus();
    }
  }
  return primero;
}

async function seguir(idComando, status) {
  const final = await seguirComando(idComando);
  if (!final) return null;
  const fallido = final.estado === "FALLIDO";
  setStatus(status, `Comando ${ESTADOS_COMANDO[final.estado]}${fallido ? `: ${traducirHallazgos(final.error || "")}` : ""}`,
    fallido ? "error" : "ok");
  return final;
}

function formulario(id, statusId, mutation, input, reglas, { aceptado, vaciar = true }) {
  const formEl = $(id);
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $(statusId);
    const problema = validar(formEl, reglas);
    if (problema) return setStatus(status, problema, "error");
    const boton = formEl.querySelector("button[type=submit]");
    boton.disabled = true;
    setStatus(status, "Enviando…");
    try {
      const data = await gql(mutation, { input: input(new FormData(formEl)) });
      const result = Object.values(data)[0];
      setStatus(status, `Comando ${ESTADOS_COMANDO[result.estado]}`);
      if (vaciar) formEl.reset();
      aceptado(result, status, boton);
      if (vaciar) boton.disabled = false;
    } catch (e) {
      const campo = e.field && formEl.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (campo) errorEnCampo(campo, mensaje(e));
      setStatus(status, mensaje(e), "error");
      boton.disabled = false;
    }
  });
}

/* The property registration's saga */

const CAMPO_DEL_FORMULARIO = { nombre: "registro-nombre", nombre_propiedad: "registro-nombre",
  identificacion_catastral: "registro-catastral", nit: "registro-nit", latitud: "registro-latitud",
  longitud: "registro-longitud", direccion: "registro-direccion" };

let siguiendo = null; // { id, boton, status }
// The newest state seen of each registration: a query answered after the
// subscription pushed a later step must not put an older one back.
const registros = new Map();

export function mostrarRegistro(r) {
  if (!r) return;
  const conocido = registros.get(r.idPropiedad);
  if (conocido && conocido.pasos.length > r.pasos.length) r = conocido;
  registros.set(r.idPropiedad, r);
  if (!siguiendo || r.idPropiedad !== siguiendo.id) return;
  $("progreso-registro").hidden = false;
  const estado = $("registro-estado");
  estado.textContent = nombreEstadoRegistro(r.estado);
  estado.className = r.estado;
  $("registro-motivo").textContent = r.motivo ? `— ${traducirHallazgos(r.motivo)}` : "";
  $("registro-pasos").replaceChildren(...r.pasos.map((p) => el("li", { class: `paso-${claseResultado(p.resultado)}`,
    text: `${nombrePaso(p.paso)}: ${textoResultadoPaso(p.resultado)}${p.detalle ? ` (${traducirHallazgos(p.detalle)})` : ""}` })));
  if (r.estado !== "en_curso") terminar(r);
}

// The saga ended: done, the form empties; undone, the cause goes on the
// fields it names and the values stay for a correction.
function terminar(r) {
  const { boton } = siguiendo;
  const formEl = $("form-registro");
  siguiendo = null;
  boton.disabled = false;
  if (r.estado === "completada") {
    formEl.reset();
    $("registro-resultado").replaceChildren("Registrada: ", enlaceRegistro("PROPIEDAD", r.idPropiedad, "ver la propiedad"), ".");
    return;
  }
  limpiarErrores(formEl);
  const causas = hallazgosEnTexto(r.motivo);
  for (const h of causas) {
    const input = $(CAMPO_DEL_FORMULARIO[h.campo]);
    if (!input) continue;
    const valor = input.value.trim().replace(".", ",");
    errorEnCampo(input, `${etiquetaCampo(h.campo)}${valor ? ` ${valor}` : ""}: ${requisito(h.campo, h.problema)}`);
  }
  const primero = formEl.querySelector("[aria-invalid='true']");
  if (primero) primero.focus();
  $("registro-resultado").textContent = causas.length
    ? "No se registró: corrija el dato marcado y envíelo de nuevo."
    : `No se registró: ${traducirHallazgos(r.motivo || "")}`;
}

async function seguirRegistro(id, status, boton) {
  siguiendo = { id, status, boton };
  $("progreso-registro").hidden = false;
  $("progreso-registro").open = false;
  $("registro-estado").textContent = "En curso";
  $("registro-estado").className = "en_curso";
  $("registro-motivo").textContent = "";
  $("registro-resultado").textContent = "";
  $("registro-pasos").replaceChildren();
  if (registros.has(id)) mostrarRegistro(registros.get(id));
  const data = await gql(REGISTRO_PROPIEDAD, { id });
  mostrarRegistro(data.registroPropiedad);
}

export function construir() {
  formulario("form-compania", "status-compania", CREAR_COMPANIA,
    (f) => ({ nombre: f.get("nombre"), email: f.get("email"), identificacion: f.get("identificacion"),
      pais: f.get("pais"), telefono: f.get("telefono") }),
    { nombre: requerido, identificacion: requerido },
    { aceptado: (result, status) => seguir(result.idComando, status).catch(() => {}) });
  formulario("form-registro", "status-registro", REGISTRAR_PROPIEDAD,
    (f) => ({ nombre: f.get("nombre"), identificacionCatastral: f.get("identificacionCatastral"), nit: f.get("nit"),
      latitud: f.get("latitud"), longitud: f.get("longitud"), direccion: f.get("direccion") }),
    { nombre: requerido, identificacionCatastral: requerido, nit: requerido, latitud: esNumero, longitud: esNumero },
    { vaciar: false, aceptado: (result, status, boton) => {
      seguirRegistro(result.idEntidad, status, boton).catch(() => { boton.disabled = false; });
      seguir(result.idComando, status).catch(() => {});
    } });
}
