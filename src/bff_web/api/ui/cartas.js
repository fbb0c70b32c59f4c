// Dead letters one by one: each an expandable row with the message decoded
// and its error, retried alone or discarded with a written reason (who and
// why recorded); a topic's retry asks first, naming how many it will
// touch; each outcome is shown next to what was acted on.
import { el, cell, celdaFecha, setStatus } from "./dom.js";
import { gql, mensaje, REINTENTAR, DESCARTAR } from "./gql.js";
import { plural, sufijo } from "./textos.js";

let ganchos = { alCambiar: () => {} };
let tabla = null;
// Outcomes by topic or by letter id, kept across refreshes.
const resultados = new Map();

export function construir(g) {
  ganchos = { ...ganchos, ...g };
  tabla = document.getElementById("tabla-cartas-muertas");
}

export function mostrar(cartasMuertas, descartadas = []) {
  mostrarDescartadas(descartadas);
  tabla.querySelectorAll("tbody").forEach((t) => t.remove());
  const porTopic = new Map();
  for (const c of cartasMuertas) porTopic.set(c.topic, [...(porTopic.get(c.topic) || []), c]);
  for (const [topic, delTopic] of porTopic) {
    const confirmar = el("span", { class: "confirmar", hidden: true });
    const boton = el("button", { type: "button", class: "reintentar", "data-topic": topic, "data-requiere": "operar",
      "aria-label": `Reintentar las cartas muertas de ${topic}`, text: `Reintentar las ${delTopic.length}` });
    boton.addEventListener("click", () => pedirConfirmacion(topic, delTopic.length, boton, confirmar));
    tabla.append(el("tbody", { class: "topic", "data-topic": topic },
      el("tr", {}, el("th", { scope: "rowgroup", colspan: "6" }, `${topic} — ${plural(delTopic.length, "carta", "cartas")} `,
        boton, confirmar, resultado(topic))),
      ...delTopic.flatMap((c) => filas(topic, c))));
  }
  document.getElementById("sin-cartas").hidden = cartasMuertas.length > 0;
  for (const node of tabla.querySelectorAll("[data-requiere]")) node.hidden = !ganchos.puede?.(node.dataset.requiere);
}

function resultado(clave) {
  const r = resultados.get(clave);
  return el("span", { class: `resultado ${r ? r.tipo : ""}`, role: "status", "data-resultado": clave, text: r ? r.texto : "" });
}

function filas(topic, c) {
  const detalleId = `carta-${c.id.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  const ver = el("button", { type: "button", class: "enlace ver-carta", "aria-expanded": "false", "aria-controls": detalleId,
    text: `…${sufijo(c.id)}` });
  const uno = el("button", { type: "button", class: "secundario reintentar-una", "data-requiere": "operar",
    "aria-label": `Reintentar la carta …${sufijo(c.id)}`, text: "Reintentar" });
  const detalle = el("tr", { id: detalleId, class: "carta-detalle", hidden: true },
    el("td", { colspan: "6" }, el("dl", {},
      el("dt", { text: "Id" }), el("dd", {}, el("code", { text: c.id })),
      el("dt", { text: "Topic" }), el("dd", { text: c.topic }),
      el("dt", { text: "Suscripción" }), el("dd", { text: c.suscripcion }),
      el("dt", { text: "Tipo de mensaje" }), el("dd", { text: c.tipo || "—" }),
      el("dt", { text: "Error" }), el("dd", { class: "error-completo", text: c.motivo || "—" }),
      el("dt", { text: "Intentos" }), el("dd", { text: String(c.intentos) })),
    el("p", { class: "nota", text: "El mensaje, decodificado:" }),
    el("pre", { class: "contenido", tabindex: "0", "aria-label": "Contenido del mensaje", text: c.contenido || "—" }),
    formularioDescarte(topic, c)));
  ver.addEventListener("click", () => {
    detalle.hidden = !detalle.hidden;
    ver.setAttribute("aria-expanded", String(!detalle.hidden));
  });
  uno.addEventListener("click", () => reintentar(topic, c.id, uno));
  const descartar = el("button", { type: "button", class: "secundario descartar", "data-requiere": "operar",
    "aria-label": `Descartar la carta …${sufijo(c.id)}`, text: "Descartar…" });
  descartar.addEventListener("click", () => {
    detalle.hidden = false;
    ver.setAttribute("aria-expanded", "true");
    detalle.querySelector("textarea").focus();
  });
  return [el("tr", { class: "carta", "data-topic": topic, "data-id": c.id },
    el("td", { class: "id", "data-etiqueta": "Id" }, ver), cell(c.tipo, null, "Tipo"), cell(c.motivo, "motivo", "Motivo"),
    cell(String(c.intentos), "num", "Intentos"), celdaFecha(c.fecha, "Fecha"),
    el("td", { "data-etiqueta": "Acción" }, uno, " ", descartar, resultado(c.id))), detalle];
}

function pedirConfirmacion(topic, n, boton, confirmar) {
  boton.hidden = true;
  const si = el("button", { type: "button", class: "confirmar-si", text: `Sí, reintentar ${plural(n, "carta", "cartas")}` });
  const no = el("button", { type: "button", class: "secundario", text: "Cancelar" });
  confirmar.replaceChildren(`¿Reintentar ${plural(n, "carta", "cartas")} de ${topic}? `, si, " ", no);
  confirmar.hidden = false;
  si.focus();
  no.addEventListener("click", () => {
    confirmar.hidden = true;
    boton.hidden = false;
    boton.focus();
  });
  si.addEventListener("click", () => reintentar(topic, null, si));
}

// A refused one was taken but will never apply (the context answered
// ComandoRechazado): said apart from the applied ones, and not "ok".
const texto = (r) => `${plural(r.aplicadas, "aplicada", "aplicadas")}, ${r.fallidasOtraVez} `
  + `${r.fallidasOtraVez === 1 ? "falló" : "fallaron"} otra vez, ${r.enEspera} en espera`
  + (r.rechazadas ? `, ${plural(r.rechazadas, "rechazada", "rechazadas")} por el contexto `
    + `(no se ${r.rechazadas === 1 ? "aplicará" : "aplicarán"})` : "");
const tipoDe = (r) => (r.fallidasOtraVez || r.rechazadas ? "error" : "ok");

async function reintentar(topic, id, boton) {
  const clave = id || topic;
  boton.disabled = true;
  const anuncio = document.getElementById("anuncio-operaciones");
  setStatus(anuncio, `Reenviando ${id ? `la carta …${sufijo(id)}` : `las cartas muertas de ${topic}`}…`);
  try {
    const { reintentarCartasMuertas: r } = await gql(REINTENTAR, { t: topic, id });
    const resumen = `Reintento: ${texto(r)}`;
    resultados.set(clave, { texto: resumen, tipo: tipoDe(r) });
    setStatus(anuncio, `${id ? `Carta …${sufijo(id)}` : topic}: ${resumen}`, tipoDe(r));
  } catch (e) {
    resultados.set(clave, { texto: `No se pudo reintentar: ${mensaje(e)}`, tipo: "error" });
    setStatus(anuncio, `No se pudo reintentar ${clave}: ${mensaje(e)}`, "error");
  }
  // Shown beside the topic or the letter, whichever stays on the page.
  await ganchos.alCambiar();
  const junto = tabla.querySelector(`[data-resultado="${CSS.escape(clave)}"]`)
    || tabla.querySelector(`[data-resultado="${CSS.escape(topic)}"]`);
  if (junto) {
    const r = resultados.get(clave);
    junto.textContent = r.texto;
    junto.className = `resultado ${r.tipo}`;
  }
}

// Discarding needs a reason; it is recorded with who discarded and when.
function formularioDescarte(topic, c) {
  const id = `descarte-${c.id.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  const razon = el("textarea", { id, rows: "2", "aria-required": "true" });
  const error = el("p", { class: "mensaje-error", hidden: true });
  const boton = el("button", { type: "button", class: "confirmar-descarte", text: "Descartar para siempre" });
  boton.addEventListener("click", async () => {
    const texto = razon.value.trim();
    if (!texto) {
      error.textContent = "Escriba por qué se descarta: queda registrado con su nombre.";
      error.hidden = false;
      razon.setAttribute("aria-invalid", "true");
      razon.focus();
      return;
    }
    boton.disabled = true;
    const anuncio = document.getElementById("anuncio-operaciones");
    try {
      await gql(DESCARTAR, { t: topic, id: c.id, m: texto });
      resultados.set(topic, { texto: `Carta …${sufijo(c.id)} descartada.`, tipo: "ok" });
      setStatus(anuncio, `Carta …${sufijo(c.id)} de ${topic} descartada: «${texto}».`, "ok");
    } catch (e) {
      boton.disabled = false;
      error.textContent = `No se pudo descartar: ${mensaje(e)}`;
      error.hidden = false;
      return;
    }
    await ganchos.alCambiar();
  });
  return el("div", { class: "descarte", "data-requiere": "operar" },
    el("label", { for: id, text: "Motivo para descartarla (obligatorio)" }), razon, error, boton);
}

function mostrarDescartadas(descartadas) {
  const tbody = document.querySelector("#tabla-descartadas tbody");
  tbody.replaceChildren(...(descartadas.length ? descartadas.map((d) => el("tr", { "data-id": d.carta.id },
    el("td", { class: "id", "data-etiqueta": "Carta" }, el("code", { title: d.carta.id, text: `…${sufijo(d.carta.id)}` })),
    cell(d.carta.topic, null, "Topic"), cell(d.carta.tipo, null, "Tipo"), cell(d.descartadaPor, "quien", "Descartada por"),
    cell(d.razon, "razon", "Motivo"), celdaFecha(d.fecha, "Fecha")))
    : [el("tr", {}, el("td", { colspan: "6", text: "Ninguna carta descartada." }))]));
}
