// Charts drawn in the page as inline SVG (no outside library): lines over
// time and stacked bars, each in a <figure> with a caption and a text
// alternative that says the same in words. They scale to the width.
import { el } from "./dom.js";
import { numero } from "./textos.js";

const NS = "http://www.w3.org/2000/svg";
// Distinct at AA contrast on white.
const COLORES = ["#2f5fd0", "#b3261e", "#1f7a3a", "#8a5f00", "#6b3fa0", "#0b6e7a"];

function svg(tag, atributos = {}, ...hijos) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(atributos)) node.setAttribute(k, v);
  node.append(...hijos.filter(Boolean));
  return node;
}

const redondo = (v) => (v >= 10 ? Math.round(v) : Math.round(v * 10) / 10);

// series: [{ nombre, puntos: [[ms, valor], …] }] over the last `ventana` ms.
export function lineas(id, titulo, series, { unidad = "", ventana = 15 * 60 * 1000, ahora = Date.now() } = {}) {
  const [ancho, alto, margen] = [320, 120, 28];
  const maximo = Math.max(1, ...series.flatMap((s) => s.puntos.map(([, v]) => v)));
  const x = (t) => margen + ((t - (ahora - ventana)) / ventana) * (ancho - margen - 4);
  const y = (v) => alto - 16 - (v / maximo) * (alto - 28);
  const trazos = series.map((s, i) => s.puntos.length > 1
    ? svg("polyline", { points: s.puntos.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" "), fill: "none",
      stroke: COLORES[i % COLORES.length], "stroke-width": "2", "data-serie": s.nombre })
    : s.puntos.length === 1 ? svg("circle", { cx: x(s.puntos[0][0]), cy: y(s.puntos[0][1]), r: "3",
      fill: COLORES[i % COLORES.length], "data-serie": s.nombre }) : null);
  const dibujo = svg("svg", { viewBox: `0 0 ${ancho} ${alto}`, role: "img", "aria-labelledby": `${id}-titulo`,
    "aria-describedby": `${id}-texto`, preserveAspectRatio: "none", class: "grafico" },
  svg("line", { x1: margen, y1: alto - 16, x2: ancho, y2: alto - 16, stroke: "#6b7280" }),
  svg("text", { x: 2, y: 14, "font-size": "10", fill: "#4b5261" }, `${numero(redondo(maximo))}${unidad}`),
  svg("text", { x: 2, y: alto - 18, "font-size": "10", fill: "#4b5261" }, "0"),
  svg("text", { x: margen, y: alto - 3, "font-size": "10", fill: "#4b5261" }, "hace 15 min"),
  svg("text", { x: ancho - 4, y: alto - 3, "font-size": "10", fill: "#4b5261", "text-anchor": "end" }, "ahora"),
  ...trazos);
  const texto = series.map((s) => {
    const ultimo = s.puntos.length ? s.puntos[s.puntos.length - 1][1] : 0;
    const max = Math.max(0, ...s.puntos.map(([, v]) => v));
    return `${s.nombre}: ahora ${numero(redondo(ultimo))}${unidad} (máximo ${numero(redondo(max))}${unidad})`;
  }).join("; ");
  return figura(id, titulo, dibujo, series.map((s) => s.nombre), texto || "Sin datos aún.");
}

// filas: [{ etiqueta, partes: [{ nombre, valor }] }]: a stacked bar each.
export function barras(id, titulo, filas, nombres) {
  const [ancho, fila, etiqueta] = [320, 22, 130];
  const maximo = Math.max(1, ...filas.map((f) => f.partes.reduce((t, p) => t + p.valor, 0)));
  const alto = Math.max(fila, filas.length * fila);
  const dibujo = svg("svg", { viewBox: `0 0 ${ancho} ${alto}`, role: "img", "aria-labelledby": `${id}-titulo`,
    "aria-describedby": `${id}-texto`, class: "grafico barras" },
  ...filas.flatMap((f, i) => {
    let desde = etiqueta;
    const y = i * fila + 3;
    return [svg("text", { x: 0, y: y + 12, "font-size": "10", fill: "#1d2330" }, f.etiqueta.slice(0, 26)),
      ...f.partes.map((p, j) => {
        const w = (p.valor / maximo) * (ancho - etiqueta - 30);
        const rect = svg("rect", { x: desde, y, width: Math.max(0, w).toFixed(1), height: fila - 8,
          fill: COLORES[j % COLORES.length], "data-parte": p.nombre, "data-valor": p.valor });
        desde += w;
        return rect;
      }),
      svg("text", { x: desde + 3, y: y + 12, "font-size": "10", fill: "#1d2330" },
        numero(f.partes.reduce((t, p) => t + p.valor, 0)))];
  }));
  const texto = filas.map((f) => `${f.etiqueta}: ${f.partes.map((p) => `${numero(p.valor)} ${p.nombre.toLowerCase()}`)
    .join(", ")}`).join("; ");
  return figura(id, titulo, dibujo, nombres, texto || "Sin datos.");
}

function figura(id, titulo, dibujo, nombres, texto) {
  return el("figure", { id, class: "figura" },
    el("figcaption", { id: `${id}-titulo`, text: titulo }), dibujo,
    el("ul", { class: "leyenda", "aria-hidden": "true" }, ...nombres.map((n, i) => el("li", {},
      el("span", { class: "muestra", style: `background:${COLORES[i % COLORES.length]}` }), n))),
    el("p", { id: `${id}-texto`, class: "texto-alternativo", text: texto }));
}
