// What each table shows: the three record tables and the audits. The
// columns a reviewer scans come first (on a phone each row is a card
// and shows them on top); a finding marks the cell of its field.
import { el, cell, celdaFecha } from "./dom.js";
import { hrefRegistro } from "./router.js";
import { ESTADOS, nombreEstado, textoHallazgo, nombreTipo, tipoGql, sufijo, TIPOS } from "./textos.js";

export const ORDENES = [["RECIENTES", "Más recientes"], ["ANTIGUOS", "Más antiguos"], ["NOMBRE_ASC", "Nombre A–Z"],
  ["NOMBRE_DESC", "Nombre Z–A"]];
export const ESTADOS_FILTRO = [["", "Todos"], ...Object.entries(ESTADOS)];
export const TAMANOS = [["20", "20"], ["50", "50"], ["100", "100"]];
const TIPOS_FILTRO = [["", "Todos"], ...Object.entries(TIPOS)];

export const nombreDe = (r) => r.nombre || r.nombrePropiedad || `…${sufijo(r.id)}`;

// A record's name as a link that opens its drawer (app.js follows it).
export function enlaceRegistro(tipo, id, texto) {
  const t = tipoGql(tipo);
  return el("a", { href: hrefRegistro(t, id), class: "abrir-registro", "data-abrir": `${t}:${id}`,
    "data-registro": id, "data-tipo": t }, texto);
}

export function celdaEstado(estado, etiqueta = "Estado") {
  return el("td", { class: `estado estado-${estado}`, "data-etiqueta": etiqueta, "data-estado": estado, text: nombreEstado(estado) });
}

// The findings, each its own line; the explanation on hover.
export function celdaHallazgos(hallazgos, etiqueta = "Hallazgos") {
  if (!hallazgos || !hallazgos.length) return cell("—", "hallazgos", etiqueta);
  return el("td", { class: "hallazgos", "data-etiqueta": etiqueta }, el("ul", {}, ...hallazgos.map((h) => el("li", {
    "data-campo": h.campo, "data-problema": h.problema, title: h.explicacion || "" }, textoHallazgo(h),
  // The flagged value itself, where the row has it (the queue's).
  h.valor === undefined ? null : ": ", h.valor === undefined ? null : el("mark", { text: h.valor || "(vacío)" })))));
}

// Who decided: the rules, or a person and their reason.
export function decididoPor(a) {
  if (!a) return "—";
  if (!a.revisor && !a.motivo) return "Reglas de auditoría";
  return [a.revisor || "Una persona", a.motivo && `«${a.motivo}»`].filter(Boolean).join(": ");
}

const REGISTRO_BASE = {
  filtros: ["buscar", "estado", "hallazgo", "orden", "n"],
  nota: "Abra un registro (su nombre, o Enter sobre la fila) para ver su auditoría e historial.",
  vacia: "Aún no hay registros.",
};

// Each record table: its columns as [title, value(r), field code].
export const REGISTROS = {
  companias: { ...REGISTRO_BASE, tipo: "COMPANIA", titulo: "Compañías", buscarEn: "nombre, NIT o id",
    columnas: [["Email", (r) => r.email, "email"], ["Identificación (NIT)", (r) => r.identificacion, "identificacion"],
      ["País", (r) => r.pais, "pais"], ["Teléfono", (r) => r.telefono, "telefono"]] },
  propiedades: { ...REGISTRO_BASE, tipo: "PROPIEDAD", titulo: "Propiedades",
    buscarEn: "nombre, identificación catastral, NIT o id",
    columnas: [["Identificación catastral", (r) => r.identificacionCatastral, "identificacion_catastral"],
      ["NIT de la compañía", (r) => r.nit, "nit"]] },
  geograficos: { ...REGISTRO_BASE, tipo: "DATOS_GEOGRAFICOS", titulo: "Datos geográficos",
    buscarEn: "nombre de la propiedad, dirección o id",
    columnas: [["Latitud", (r) => r.latitud, "latitud"], ["Longitud", (r) => r.longitud, "longitud"],
      ["Dirección", (r) => r.direccion, "direccion"]] },
};

export function cabecerasRegistro(vista) {
  return ["Nombre", "Estado", "Hallazgos", "Decisión", ...vista.columnas.map(([t]) => t), "Creación", "Id"];
}

export function filaRegistro(vista, r) {
  const a = r.auditoria;
  const marcados = new Set(((a && a.hallazgos) || []).map((h) => h.campo));
  const decidida = a && (a.revisor || a.motivo);
  return el("tr", { tabindex: "0", "data-id": r.id, "data-tipo": vista.tipo },
    el("td", { class: "nombre", "data-etiqueta": "Nombre" }, enlaceRegistro(vista.tipo, r.id, nombreDe(r))),
    celdaEstado(r.estado),
    celdaHallazgos(a && a.hallazgos),
    cell(decidida ? decididoPor(a) : a ? "Reglas de auditoría" : "—", "decision", "Decisión"),
    ...vista.columnas.map(([titulo, valor, campo]) => {
      const td = cell(valor(r), marcados.has(campo) ? "marcado" : null, titulo);
      if (marcados.has(campo)) td.title = "Este dato tiene un hallazgo";
      return td;
    }),
    celdaFecha(r.fechaCreacion, "Creación"),
    el("td", { class: "id", "data-etiqueta": "Id" }, el("code", { title: r.id, text: sufijo(r.id) })));
}

// The audits: one per record, its latest verdict, the record by name.
export const AUDITORIAS = {
  clave: "auditorias", titulo: "Auditorías", filtros: ["resultado", "tipo", "hallazgo", "n"],
  tiposFiltro: TIPOS_FILTRO,
  nota: "El nombre abre el registro auditado.",
  vacia: "Aún no hay auditorías.",
};

export const cabecerasAuditoria = () => ["Registro", "Tipo", "Resultado", "Hallazgos", "Decidido por", "Fecha", "Id"];

export function filaAuditoria(a, nombres) {
  const nombre = nombres.get(a.idEntidad);
  return el("tr", { tabindex: "0", "data-id": a.id, "data-registro": a.idEntidad },
    el("td", { class: "registro nombre", "data-etiqueta": "Registro" },
      enlaceRegistro(a.tipoEntidad, a.idEntidad, nombre || `${nombreTipo(a.tipoEntidad)} …${sufijo(a.idEntidad)}`)),
    cell(nombreTipo(a.tipoEntidad), "tipo", "Tipo"),
    celdaEstado(a.resultado, "Resultado"),
    celdaHallazgos(a.hallazgos),
    cell(decididoPor(a), "decision", "Decidido por"),
    celdaFecha(a.fecha, "Fecha"),
    el("td", { class: "id", "data-etiqueta": "Id" }, el("code", { title: a.id, text: sufijo(a.id) })));
}
