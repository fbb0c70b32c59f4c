// The missing-data report: each finding with how many records still wait
// for a person and how many are decided, as a table whose rows link to
// the records and as a bar chart.
import { el, cell, setStatus } from "./dom.js";
import { gql, mensaje, REPORTE, pendientesPorHallazgo } from "./gql.js";
import { escribir } from "./router.js";
import { textoHallazgo, nombreTipo, numero } from "./textos.js";
import { barras } from "./graficos.js";

const SUB = { COMPANIA: "companias", PROPIEDAD: "propiedades", DATOS_GEOGRAFICOS: "geograficos" };

export let filas = [];
let dom = null;

export function construir(seccion) {
  dom = { seccion, tbody: seccion.querySelector("#tabla-reporte tbody"), grafico: seccion.querySelector("#grafico-reporte"),
    status: seccion.querySelector("#status-reporte") };
}

// A finding's records: the table of its type, filtered by it.
export const hrefHallazgo = (c, estado) => escribir({ vista: "registros", sub: SUB[c.tipoEntidad],
  params: new URLSearchParams({ hallazgo: `${c.campo}:${c.problema}`, ...(estado ? { estado } : {}) }) });

export async function cargar() {
  try {
    filas = (await gql(REPORTE)).reporteFaltantes;
    const pendientes = filas.length ? await gql(pendientesPorHallazgo(filas)) : {};
    filas = filas.map((c, i) => ({ ...c, pendientes: pendientes[`h${i}`] ? pendientes[`h${i}`].totalCount : 0 }));
    dom.status.textContent = "";
  } catch (e) {
    setStatus(dom.status, mensaje(e), "error");
    return filas;
  }
  mostrar();
  return filas;
}

function mostrar() {
  if (!filas.length) {
    dom.tbody.replaceChildren(el("tr", {}, el("td", { colspan: "5", text: "Sin datos faltantes." })));
    dom.grafico.replaceChildren();
    return;
  }
  dom.tbody.replaceChildren(...filas.map((c) => el("tr", { "data-tipo": c.tipoEntidad, "data-campo": c.campo,
    "data-problema": c.problema },
  cell(nombreTipo(c.tipoEntidad), null, "Registro"),
  el("td", { "data-etiqueta": "Hallazgo" }, el("a", { href: hrefHallazgo(c), class: "ver-hallazgo", "data-tipo": c.tipoEntidad,
    "data-campo": c.campo, "data-problema": c.problema, text: textoHallazgo(c) })),
  cell(c.explicacion, "explicacion", "Explicación"),
  el("td", { class: "num pendientes", "data-etiqueta": "Pendientes" }, c.pendientes
    ? el("a", { href: hrefHallazgo(c, "EN_REVISION"), text: numero(c.pendientes) }) : "0"),
  cell(numero(c.total - c.pendientes), "num decididos", "Decididos"))));
  dom.grafico.replaceChildren(barras("grafico-hallazgos", "Hallazgos: pendientes de revisión y decididos",
    filas.map((c) => ({ etiqueta: `${nombreTipo(c.tipoEntidad)}: ${textoHallazgo(c)}`,
      partes: [{ nombre: "Pendientes", valor: c.pendientes }, { nombre: "Decididos", valor: c.total - c.pendientes }] })),
    ["Pendientes", "Decididos"]));
}

let programado = null;
// A burst of audits (a batch import) reloads the report once.
export function recargarPronto(despues = () => {}) {
  if (programado) return;
  programado = setTimeout(() => {
    programado = null;
    cargar().then(despues);
  }, 500);
}
