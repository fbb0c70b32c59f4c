// Small DOM helpers. Data only ever reaches the page through textContent
// and attributes (never innerHTML), so a record cannot inject markup.
import { fecha, haceTiempo } from "./textos.js";

// el("td", { class: "x", text: "y", "data-id": id }, ...children)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c != null && c !== false));
  return node;
}

// A cell; `etiqueta` is what a narrow screen shows beside its value (the
// tables turn into cards there).
export function cell(text, cls, etiqueta) {
  return el("td", { class: cls, text: text == null || text === "" ? "—" : text, "data-etiqueta": etiqueta });
}

export function setStatus(status, text, kind = "") {
  status.textContent = text;
  status.className = `status ${kind}`;
}

export const esperar = (ms) => new Promise((listo) => setTimeout(listo, ms));

// <select> options from [value, text] pairs.
export function opciones(select, pares) {
  select.replaceChildren(...pares.map(([valor, texto]) => el("option", { value: valor, text: texto })));
}

// A key press meant for the page, not for a field being typed into.
export function teclaLibre(e) {
  const t = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return !(t.closest && t.closest("input, textarea, select, [contenteditable]"));
}

// A date as people read it, its relative age on hover.
export function tiempo(iso) {
  return el("time", { datetime: iso, title: haceTiempo(iso), text: fecha(iso) });
}

export function celdaFecha(iso, etiqueta) {
  return el("td", { class: "fecha", "data-etiqueta": etiqueta }, iso ? tiempo(iso) : "—");
}
