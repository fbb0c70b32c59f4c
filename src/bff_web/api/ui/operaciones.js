// The operator's dashboard: a health banner from stated thresholds, the
// offending cells highlighted, refreshed every few seconds while the view
// is open; per service its consumed messages, outbox backlog and consumer
// lag over the last 15 minutes (sampled while the page is open); the
// sagas; the failed registrations; the dead letters (cartas.js).
import { el, cell, celdaFecha } from "./dom.js";
import { gql, mensaje, OPERACIONES, SAGAS, REGISTROS_FALLIDOS } from "./gql.js";
import { duracion, numero, plural, ESTADOS_SAGA, NOMBRES_SAGA, DECISIONES, nombrePaso, textoResultadoPaso,
  traducirHallazgos } from "./textos.js";
import { lineas } from "./graficos.js";
import { enlaceRegistro } from "./columnas.js";
import * as cartas from "./cartas.js";

// When the banner turns: stated on the page, in this order of severity.
export const UMBRALES = { outboxSegundos: 30, retrasoSegundos: 10, refrescoMs: 5000, ventanaMs: 15 * 60 * 1000 };
const $ = (id) => document.getElementById(id);

const muestras = []; // [{ t, servicios, sagas }], the last 15 minutes
let ultima = null; // when the data shown arrived
let temporizador = null;
let activa = false;

export function construir({ puede }) {
  $("actualizar-operaciones").addEventListener("click", () => cargar());
  $("umbrales").textContent = `Degradado si: un outbox tiene eventos de hace más de ${UMBRALES.outboxSegundos} s, un consumidor `
    + `va más de ${UMBRALES.retrasoSegundos} s atrás o está pausado, hay cartas muertas, una saga o un registro falló, o un servicio no responde. `
    + "Caído si la mayoría de los servicios no responde o el estado no se puede consultar.";
  setInterval(mostrarEdad, 1000);
  cartas.construir({ alCambiar: () => cargar(), puede });
}

// The view is open (refresh on a timer) or not (stop).
export function activar(si) {
  activa = si;
  clearInterval(temporizador);
  if (si) {
    cargar();
    temporizador = setInterval(() => $("auto-actualizar").checked && cargar(), UMBRALES.refrescoMs);
  }
}

let enVuelo = null;
export function cargar() {
  if (enVuelo) return enVuelo;
  enVuelo = leer().finally(() => { enVuelo = null; });
  return enVuelo;
}

async function leer() {
  const [ops, sagas, fallidos] = await Promise.all([
    gql(OPERACIONES).then((d) => d.operaciones, (e) => ({ error: e })),
    gql(SAGAS).then((d) => d.operaciones.sagas, (e) => ({ error: e })),
    gql(REGISTROS_FALLIDOS).then((d) => d.registrosPropiedad.edges.map((x) => x.node), () => []),
  ]);
  if (ops.error) {
    $("anuncio-operaciones").textContent = `No se pudo cargar la vista de operaciones: ${mensaje(ops.error)}`;
    $("anuncio-operaciones").className = "status error";
    mostrarSalud([{ nivel: "caido", texto: `el estado no se puede consultar: ${mensaje(ops.error)}` }]);
    return;
  }
  ultima = Date.now();
  muestras.push({ t: ultima, servicios: ops.servicios, sagas: sagas.error ? null : sagas.porEstado });
  while (muestras.length && muestras[0].t < ultima - UMBRALES.ventanaMs) muestras.shift();
  const motivos = evaluar(ops.servicios, ops.cartasMuertas, sagas, fallidos);
  mostrarSalud(motivos, ops.servicios);
  mostrarServicios(ops.servicios);
  mostrarSagas(sagas);
  mostrarFallidos(fallidos);
  cartas.mostrar(ops.cartasMuertas, ops.cartasDescartadas);
  $("enlace-grafana").hidden = !ops.grafana;
  if (ops.grafana) $("enlace-grafana").href = ops.grafana;
  mostrarGraficos();
  mostrarEdad();
}

// Every reason the system is not Sano: [{ nivel, texto }].
function evaluar(servicios, cartasMuertas, sagas, fallidos) {
  const motivos = [];
  for (const s of servicios) {
    if (!s.listo) motivos.push({ nivel: "degradado", texto: `${s.nombre} no responde${s.detalle ? ` (${s.detalle})` : ""}` });
    if (s.outboxPendientes && s.outboxAntiguedadSegundos > UMBRALES.outboxSegundos) {
      motivos.push({ nivel: "degradado", texto: `${s.nombre}: ${plural(s.outboxPendientes, "evento", "eventos")} sin publicar, `
        + `el más antiguo de hace ${duracion(s.outboxAntiguedadSegundos)}` });
    }
    for (const c of s.consumidores) {
      if (c.pausado) motivos.push({ nivel: "degradado", texto: `${s.nombre}: consumidor pausado en ${c.topic} (espera a una dependencia)` });
      else if (c.retrasoSegundos > UMBRALES.retrasoSegundos) {
        motivos.push({ nivel: "degradado", texto: `${s.nombre}: ${c.topic} va ${duracion(c.retrasoSegundos)} atrás` });
      }
    }
  }
  if (cartasMuertas.length) motivos.push({ nivel: "degradado", texto: `${plural(cartasMuertas.length, "carta muerta", "cartas muertas")}` });
  const fallidas = sagas.error ? 0 : (sagas.porEstado.find((e) => e.estado === "fallida") || { total: 0 }).total;
  if (fallidas) motivos.push({ nivel: "degradado", texto: `${plural(fallidas, "saga fallida", "sagas fallidas")}` });
  if (fallidos.length) motivos.push({ nivel: "degradado", texto: `${plural(fallidos.length, "registro fallido", "registros fallidos")}` });
  if (sagas.error) motivos.push({ nivel: "degradado", texto: "auditoría no informa sus sagas" });
  return motivos;
}

// Caído: most services do not answer (or the state cannot be read);
// Degradado: any other reason.
function mostrarSalud(motivos, servicios = []) {
  const caidos = servicios.filter((s) => !s.listo).length;
  const nivel = motivos.some((m) => m.nivel === "caido") || (servicios.length && caidos * 2 > servicios.length) ? "caido"
    : motivos.length ? "degradado" : "sano";
  const banner = $("salud");
  banner.className = `salud salud-${nivel}`;
  banner.dataset.nivel = nivel;
  $("salud-nivel").textContent = { sano: "Sano", degradado: "Degradado", caido: "Caído" }[nivel];
  $("salud-motivos").replaceChildren(...(motivos.length ? motivos.map((m) => el("li", { "data-nivel": m.nivel, text: m.texto }))
    : [el("li", { text: "Todo dentro de los umbrales." })]));
  const nav = document.querySelector('nav a[data-vista="operaciones"]');
  if (nav) nav.dataset.salud = nivel;
}

function mostrarEdad() {
  if (!ultima) return;
  const s = Math.round((Date.now() - ultima) / 1000);
  $("actualizado").textContent = `actualizado hace ${s} s`;
}

function mostrarServicios(servicios) {
  $("tabla-servicios").querySelector("tbody").replaceChildren(...servicios.map((s) => {
    const viejo = s.outboxPendientes && s.outboxAntiguedadSegundos > UMBRALES.outboxSegundos;
    return el("tr", { "data-servicio": s.nombre },
      cell(s.nombre, "nombre", "Servicio"),
      el("td", { "data-etiqueta": "Estado", class: s.listo ? null : "alerta" },
        el("span", { class: `badge ${s.listo ? "listo" : "caido"}`, text: s.listo ? "Listo" : "No responde" })),
      cell(s.detalle, null, "Detalle"),
      cell(numero(s.outboxPendientes), `num${viejo ? " alerta" : ""}`, "Outbox pendiente"),
      cell(s.outboxPendientes ? duracion(s.outboxAntiguedadSegundos) : "—", `num${viejo ? " alerta" : ""}`, "Más antiguo"));
  }));
  const consumidores = servicios.flatMap((s) => s.consumidores.map((c) => ({ servicio: s.nombre, ...c })));
  $("tabla-consumidores").querySelector("tbody").replaceChildren(...(consumidores.length ? consumidores.map((c) => {
    const atras = c.retrasoSegundos > UMBRALES.retrasoSegundos;
    return el("tr", { "data-topic": c.topic, "data-suscripcion": c.suscripcion, "data-pausado": String(c.pausado) },
      cell(c.servicio, "nombre", "Servicio"), cell(c.topic, null, "Topic"),
      cell(duracion(c.retrasoSegundos), `num${atras ? " alerta" : ""}`, "Retraso"),
      cell(c.pausado ? "Sí" : "No", c.pausado ? "alerta" : null, "Pausado"),
      cell(numero(c.consumidos), "num", "Consumidos"), cell(c.suscripcion, null, "Suscripción"));
  }) : [el("tr", {}, el("td", { colspan: "6", text: "Sin consumidores." }))]));
}

// Rates from consecutive samples: messages consumed per second.
function mostrarGraficos() {
  const nombres = [...new Set(muestras.flatMap((m) => m.servicios.map((s) => s.nombre)))];
  const serie = (valor) => nombres.map((nombre) => ({ nombre, puntos: muestras.flatMap((m, i) => {
    const s = m.servicios.find((x) => x.nombre === nombre);
    const v = s && valor(s, i > 0 ? muestras[i - 1].servicios.find((x) => x.nombre === nombre) : null, i > 0 ? m.t - muestras[i - 1].t : 0);
    return v == null ? [] : [[m.t, v]];
  }) }));
  // Commands and events apart, by the kind of topic a consumer reads.
  const consumidos = (s, prefijo) => s.consumidores.filter((c) => c.topic.startsWith(prefijo))
    .reduce((t, c) => t + c.consumidos, 0);
  const tasaDe = (prefijo) => serie((s, antes, dt) => (antes && dt > 0
    ? Math.max(0, (consumidos(s, prefijo) - consumidos(antes, prefijo)) * 1000 / dt) : null));
  const tasa = tasaDe("");
  const outbox = serie((s) => s.outboxPendientes);
  const retraso = serie((s) => Math.max(0, ...s.consumidores.map((c) => c.retrasoSegundos)));
  const sagas = ["completada", "compensada"].map((estado) => ({ nombre: ESTADOS_SAGA[estado], puntos: muestras
    .filter((m) => m.sagas).map((m) => [m.t, (m.sagas.find((e) => e.estado === estado) || { total: 0 }).total]) }));
  $("graficos-operaciones").replaceChildren(
    lineas("grafico-mensajes", "Mensajes consumidos por segundo, por servicio", tasa, { unidad: "/s" }),
    lineas("grafico-comandos", "Comandos aplicados por segundo", tasaDe("comandos-"), { unidad: "/s" }),
    lineas("grafico-eventos", "Eventos consumidos por segundo", tasaDe("eventos-"), { unidad: "/s" }),
    lineas("grafico-outbox", "Outbox pendiente, por servicio", outbox),
    lineas("grafico-retraso", "Retraso máximo de sus consumidores (s)", retraso, { unidad: " s" }),
    lineas("grafico-sagas", "Sagas completadas y compensadas (total)", sagas));
}

function mostrarSagas(sagas) {
  const aviso = $("sagas-aviso");
  if (sagas.error) {
    aviso.textContent = sagas.error.code === "UNAVAILABLE"
      ? "El servicio de auditoría no respondió: las sagas no se pueden mostrar ahora."
      : `No se pudieron cargar las sagas: ${mensaje(sagas.error)}`;
    aviso.hidden = false;
    $("sagas-datos").hidden = true;
    return;
  }
  aviso.hidden = true;
  $("sagas-datos").hidden = false;
  const totales = new Map(sagas.porEstado.map((e) => [e.estado, e.total]));
  const estados = [...new Set([...Object.keys(ESTADOS_SAGA), ...totales.keys()])];
  $("tabla-sagas-estados").querySelector("tbody").replaceChildren(...estados.map((estado) => el("tr", { "data-estado": estado },
    el("th", { scope: "row", text: ESTADOS_SAGA[estado] || estado }),
    cell(numero(totales.get(estado) || 0), `num${estado === "fallida" && totales.get(estado) ? " alerta" : ""}`, "Total"))));
  $("tabla-sagas-fallidas").querySelector("tbody").replaceChildren(...(sagas.fallidas.length
    ? sagas.fallidas.map((f) => el("tr", { "data-saga": f.saga, "data-registro": f.idEntidad },
      cell(NOMBRES_SAGA[f.saga] || f.saga, null, "Saga"),
      el("td", { class: "registro", "data-etiqueta": "Registro" }, enlaceRegistro(f.tipoEntidad, f.idEntidad, `…${f.idEntidad.slice(-8)}`)),
      cell(f.saga === "registro_propiedad" ? nombrePaso(f.decision) : DECISIONES[f.decision] || f.decision, null, "Decisión o paso"),
      cell(String(f.intentos), "num", "Intentos"), cell(f.ultimoError, "ultimo-error", "Último error"),
      celdaFecha(f.fechaActualizacion, "Actualización")))
    : [el("tr", {}, el("td", { colspan: "6", text: "Ninguna saga fallida." }))]));
}

function mostrarFallidos(fallidos) {
  $("tabla-registros-fallidos").querySelector("tbody").replaceChildren(...(fallidos.length ? fallidos.map((r) => {
    const ultimo = r.pasos[r.pasos.length - 1];
    return el("tr", { "data-registro": r.idPropiedad },
      el("td", { "data-etiqueta": "Propiedad" }, enlaceRegistro("PROPIEDAD", r.idPropiedad, `…${r.idPropiedad.slice(-8)}`)),
      cell(nombrePaso(r.paso), null, "Paso"), cell(traducirHallazgos(r.motivo), null, "Motivo"),
      cell(ultimo ? `${textoResultadoPaso(ultimo.resultado)}${ultimo.detalle ? ` (${ultimo.detalle})` : ""}` : "—", null, "Último paso"));
  }) : [el("tr", {}, el("td", { colspan: "4", text: "Ningún registro fallido." }))]));
}

export const estaActiva = () => activa;
