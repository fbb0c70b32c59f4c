// An auditor's decisions: approve or reject a record the audit left
// EN_REVISION, or reopen a decided one, always with a written reason; and
// following the command each one sends to its end.
import { gql, revisionMutacion, ESTADO_COMANDO } from "./gql.js";
import { esperar } from "./dom.js";

export const REVISIONES = {
  aprobar: { mutacion: "aprobarRevision", boton: "Aprobar", esperado: "APROBADA", enviando: "Enviando la aprobación…",
    hecho: "aprobado", desde: ["EN_REVISION"] },
  rechazar: { mutacion: "rechazarRevision", boton: "Rechazar", esperado: "RECHAZADA", enviando: "Enviando el rechazo…",
    hecho: "rechazado", desde: ["EN_REVISION"] },
  reabrir: { mutacion: "reabrirAuditoria", boton: "Reabrir para revisión", esperado: "EN_REVISION",
    enviando: "Reabriendo la auditoría…", hecho: "reabierto", desde: ["APROBADA", "RECHAZADA"] },
};

// Which decisions a record in `estado` admits.
export const accionesPara = (estado) => Object.keys(REVISIONES).filter((k) => REVISIONES[k].desde.includes(estado));

// Sends one decision; returns the accepted command { idComando, estado }.
export async function enviar(clave, tipo, id, motivo) {
  const mutacion = REVISIONES[clave].mutacion;
  const data = await gql(revisionMutacion(mutacion), { tipo, id, motivo });
  return data[mutacion];
}

// Follows a command to PROCESADO or FALLIDO ({ estado, error }); null if
// it is still on its way after a minute.
export async function seguirComando(idComando) {
  for (let i = 0; i < 120; i++) {
    const { estadoComando } = await gql(ESTADO_COMANDO, { id: idComando });
    if (estadoComando && estadoComando.estado !== "ACEPTADO") return estadoComando;
    await esperar(500);
  }
  return null;
}

// The decisions sent from this page whose commands are still on their way
// (a record stays out of the queue meanwhile, and its drawer waits).
export const enCurso = new Map();

// Sends a decision and follows it in the background; `alTerminar(final,
// error)` hears how it ended.
export async function decidir(clave, tipo, id, motivo, alTerminar = () => {}) {
  enCurso.set(id, clave);
  let aceptado;
  try {
    aceptado = await enviar(clave, tipo, id, motivo);
  } catch (e) {
    enCurso.delete(id);
    alTerminar(null, e);
    throw e;
  }
  seguirComando(aceptado.idComando)
    .then((final) => alTerminar(final, null))
    .catch((e) => alTerminar(null, e))
    .finally(() => enCurso.delete(id));
  return aceptado;
}
