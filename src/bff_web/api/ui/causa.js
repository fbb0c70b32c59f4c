// Why a record is in its state, told first in its drawer and worded by
// who acted: the rules (with their findings), a person (with their name
// and reason), or the registration saga that undid it.
import { el } from "./dom.js";
import { textoHallazgo, traducirHallazgos, nombreEstado, nombreEvento, ESTADOS_COMANDO } from "./textos.js";

// "la" aprobó (una compañía, una propiedad), "los" (datos geográficos).
const PRONOMBRE = { COMPANIA: "la", PROPIEDAD: "la", DATOS_GEOGRAFICOS: "los" };

const lista = (hallazgos) => hallazgos.map((h) => (h.explicacion || `${textoHallazgo(h)}.`).replace(/\.$/, "")).join("; ");

// The sentence, as nodes (the person's reason in its own quote).
export function contarCausa(tipo, r) {
  const a = r.auditoria;
  const lo = PRONOMBRE[tipo] || "lo";
  const reg = r.registro;
  if (reg && reg.estado === "compensada") {
    return [el("strong", { text: "Registro deshecho. " }),
      `La propiedad se eliminó porque una parte de su registro fue rechazada: ${traducirHallazgos(reg.motivo || "sin motivo")}.`
      + (a && a.resultado === "APROBADA" ? " Sus propios datos estaban completos." : "")];
  }
  if (reg && reg.estado === "fallida") {
    return [el("strong", { text: "Registro fallido. " }), `${traducirHallazgos(reg.motivo || "")} Necesita un operador.`];
  }
  if (r.estado === "PENDIENTE" || !a) return ["Pendiente: la auditoría de datos faltantes aún no termina."];
  const persona = a.revisor || a.motivo;
  const quien = a.revisor || "Una persona";
  if (persona && r.estado === "EN_REVISION") {
    return [`${quien} ${lo} reabrió para revisión: `, el("q", { text: a.motivo || "" }), ". Espera una nueva decisión."];
  }
  if (persona) {
    const verbo = r.estado === "APROBADA" ? "aprobó" : r.estado === "RECHAZADA" ? "rechazó" : "decidió";
    return [`${quien} ${lo} ${verbo}: `, el("q", { text: a.motivo || "" }), "."];
  }
  if (r.estado === "EN_REVISION") {
    return [el("strong", { text: "Espera una decisión. " }), `La auditoría encontró: ${lista(a.hallazgos)}; `
      + "las reglas no deciden este caso y lo dejaron a una persona."];
  }
  if (r.estado === "RECHAZADA") return [`Las reglas de auditoría ${lo} rechazaron: ${lista(a.hallazgos)}.`];
  if (r.estado === "APROBADA") return [`Las reglas de auditoría ${lo} aprobaron: los datos están completos.`];
  return [`Estado: ${nombreEstado(r.estado)}.`];
}

const RESULTADOS = { EnRevision: "en revisión", Aprobada: "aprobada", Rechazada: "rechazada", Pendiente: "pendiente" };

// One line of the history: [what happened, its detail], worded by who acted.
export function contarSuceso(h) {
  const partes = String(h.descripcion || "").split(" — ");
  if (h.evento.startsWith("Comando ")) {
    const [estado, ...error] = (partes[1] || "").split(": ");
    return [nombreEvento(h.evento), `${ESTADOS_COMANDO[estado] || estado}${error.length ? `: ${error.join(": ")}` : ""}`];
  }
  if (h.evento === "AuditoriaCompletada") {
    const [resultado, ...hallazgos] = (partes[1] || "").split(": ");
    const veredicto = RESULTADOS[resultado] || resultado;
    const encontrado = hallazgos.length ? ` (${traducirHallazgos(hallazgos.join(": "))})` : "";
    if (partes[2]) {
      const i = partes[2].indexOf(": ");
      const quien = i < 0 ? partes[2] : partes[2].slice(0, i);
      return [`Decisión de ${quien}: ${veredicto}`, i < 0 ? "" : partes[2].slice(i + 2)];
    }
    return [`Auditoría: ${veredicto}`, encontrado.replace(/^ \((.*)\)$/, "$1")];
  }
  return [nombreEvento(h.evento), partes[1] ? traducirHallazgos(partes[1]) : ""];
}
