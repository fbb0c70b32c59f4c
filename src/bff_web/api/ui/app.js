// PropAlpes web UI: GraphQL mutations and queries over fetch, live updates
// over graphql-transport-ws. No framework, no build step.
"use strict";

const token = new URLSearchParams(location.search).get("token") || localStorage.getItem("propalpes.token");
const auth = token ? { Authorization: `Bearer ${token}` } : {};

// An error the server named: its code and, for bad input, the field.
class GqlError extends Error {
  constructor(e) {
    super(e.message);
    this.code = e.extensions && e.extensions.code;
    this.field = e.extensions && e.extensions.field;
  }
}

async function gql(query, variables = {}) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ query, variables }),
    });
  } catch (_) {
    throw new Error("No se pudo contactar el servidor; inténtelo de nuevo.");
  }
  const body = await res.json().catch(() => ({ errors: [{ message: `respuesta inválida del servidor (${res.status})` }] }));
  if (body.errors && body.errors.length) throw new GqlError(body.errors[0]);
  return body.data;
}

const rows = { Compania: new Map(), DatosGeograficos: new Map(), Propiedad: new Map() };
const TABLES = { Compania: "#tabla-companias", DatosGeograficos: "#tabla-geograficos", Propiedad: "#tabla-propiedades" };
const FIELDS = {
  Compania: (r) => [r.nombre, r.email, r.identificacion, r.pais, r.telefono],
  DatosGeograficos: (r) => [r.nombrePropiedad, r.latitud, r.longitud, r.direccion],
  Propiedad: (r) => [r.nombre, r.identificacionCatastral, r.nit],
};

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function render(kind) {
  const tbody = document.querySelector(`${TABLES[kind]} tbody`);
  tbody.replaceChildren(
    ...[...rows[kind].values()]
      .sort((a, b) => b.fechaCreacion.localeCompare(a.fechaCreacion))
      .map((r) => {
        const tr = document.createElement("tr");
        tr.dataset.id = r.id;
        const estado = r.estado.charAt(0) + r.estado.slice(1).toLowerCase();
        const fields = FIELDS[kind](r);
        tr.append(...fields.map((f) => cell(f || "—")), cell(estado, `estado ${estado}`), cell(r.motivosRechazo.join(", ")));
        return tr;
      })
  );
}

const COMPANIA = "id nombre email identificacion pais telefono estado motivosRechazo fechaCreacion";
const GEOGRAFICO = "id nombrePropiedad latitud longitud direccion estado motivosRechazo fechaCreacion";
const PROPIEDAD = "id nombre identificacionCatastral nit estado motivosRechazo fechaCreacion";
const REGISTRO = "idPropiedad estado paso motivo pasos { paso resultado detalle }";

async function load() {
  const data = await gql(`{
    companias(first: 100) { edges { node { ${COMPANIA} } } }
    datosGeograficos(first: 100) { edges { node { ${GEOGRAFICO} } } }
    propiedades(first: 100) { edges { node { ${PROPIEDAD} } } }
    registrosPropiedad(estado: "fallida", first: 100) { edges { node { ${REGISTRO} } } }
  }`);
  data.registrosPropiedad.edges.forEach(({ node }) => fallidos.set(node.idPropiedad, node));
  renderFallidos();
  data.companias.edges.forEach(({ node }) => rows.Compania.set(node.id, node));
  data.datosGeograficos.edges.forEach(({ node }) => rows.DatosGeograficos.set(node.id, node));
  data.propiedades.edges.forEach(({ node }) => rows.Propiedad.set(node.id, node));
  Object.keys(rows).forEach(render);
  await loadReport();
}

// The registration the form started, followed step by step.
let siguiendo = null;
const PASOS = {
  crear_propiedad: "Crear la propiedad",
  crear_datos_geograficos: "Crear sus datos geográficos",
  decidir: "Auditoría y decisión",
  compensar: "Compensación",
  terminado: "Fin",
};

const fallidos = new Map();

function renderFallidos() {
  document.querySelector("#tabla-registros-fallidos tbody").replaceChildren(
    ...[...fallidos.values()].map((r) => {
      const tr = document.createElement("tr");
      const ultimo = r.pasos[r.pasos.length - 1];
      tr.append(cell(r.idPropiedad), cell(PASOS[r.paso] || r.paso), cell(r.motivo || "—"),
        cell(ultimo ? `${ultimo.resultado}${ultimo.detalle ? ` (${ultimo.detalle})` : ""}` : "—"));
      return tr;
    })
  );
}

// The newest state seen of each registration: a query answered after the
// subscription pushed a later step must not put an older one back.
const registros = new Map();

function showRegistro(r) {
  if (!r) return;
  const known = registros.get(r.idPropiedad);
  if (known && known.pasos.length > r.pasos.length) r = known;
  registros.set(r.idPropiedad, r);
  if (r.estado === "fallida") {
    fallidos.set(r.idPropiedad, r);
    renderFallidos();
  }
  if (r.idPropiedad !== siguiendo) return;
  const panel = document.getElementById("progreso-registro");
  panel.hidden = false;
  const estado = document.getElementById("registro-estado");
  estado.textContent = r.estado.replace("_", " ");
  estado.className = r.estado;
  document.getElementById("registro-motivo").textContent = r.motivo ? `— ${r.motivo}` : "";
  document.getElementById("registro-pasos").replaceChildren(
    ...r.pasos.map((p) => {
      const li = document.createElement("li");
      li.className = p.resultado.split(" ").pop();
      li.textContent = `${PASOS[p.paso] || p.paso}: ${p.resultado}${p.detalle ? ` (${p.detalle})` : ""}`;
      return li;
    })
  );
}

async function loadReport() {
  const data = await gql(`{ reporteFaltantes { campo problema total } }`);
  document.querySelector("#tabla-reporte tbody").replaceChildren(
    ...data.reporteFaltantes.map((c) => {
      const tr = document.createElement("tr");
      tr.append(cell(c.campo), cell(c.problema), cell(String(c.total)));
      return tr;
    })
  );
}

function subscribe() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/graphql/ws`, "graphql-transport-ws");
  const live = document.getElementById("live");
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: auth }));
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "connection_ack") {
      live.textContent = "en vivo";
      ws.send(JSON.stringify({ id: "c", type: "subscribe", payload: { query: `subscription { cambiosCompania { ${COMPANIA} } }` } }));
      ws.send(JSON.stringify({ id: "g", type: "subscribe", payload: { query: `subscription { cambiosDatosGeograficos { ${GEOGRAFICO} } }` } }));
      ws.send(JSON.stringify({ id: "p", type: "subscribe", payload: { query: `subscription { cambiosPropiedad { ${PROPIEDAD} } }` } }));
      ws.send(JSON.stringify({ id: "r", type: "subscribe", payload: { query: `subscription { cambiosRegistroPropiedad { ${REGISTRO} } }` } }));
      ws.send(JSON.stringify({ id: "a", type: "subscribe", payload: { query: `subscription { auditoriasCompletadas { id } }` } }));
    } else if (msg.type === "next") {
      const data = msg.payload.data || {};
      if (data.cambiosCompania) {
        rows.Compania.set(data.cambiosCompania.id, data.cambiosCompania);
        render("Compania");
      } else if (data.cambiosDatosGeograficos) {
        rows.DatosGeograficos.set(data.cambiosDatosGeograficos.id, data.cambiosDatosGeograficos);
        render("DatosGeograficos");
      } else if (data.cambiosPropiedad) {
        rows.Propiedad.set(data.cambiosPropiedad.id, data.cambiosPropiedad);
        render("Propiedad");
      } else if (data.cambiosRegistroPropiedad) {
        showRegistro(data.cambiosRegistroPropiedad);
      } else if (data.auditoriasCompletadas) {
        loadReport().catch(() => {});
      }
    } else if (msg.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    }
  };
  ws.onclose = () => {
    live.textContent = "reconectando…";
    setTimeout(subscribe, 1000);
  };
}

const ESTADOS_COMANDO = { ACEPTADO: "aceptado", PROCESADO: "procesado", FALLIDO: "fallido" };

function setStatus(status, text, kind = "") {
  status.textContent = text;
  status.className = `status ${kind}`;
}

// Follows a command to PROCESADO or FALLIDO (with the reason).
async function seguirComando(id, status) {
  for (let i = 0; i < 120; i++) {
    const { estadoComando } = await gql("query($id: ID!) { estadoComando(id: $id) { estado error } }", { id });
    if (estadoComando && estadoComando.estado !== "ACEPTADO") {
      const fallido = estadoComando.estado === "FALLIDO";
      setStatus(status, `Comando ${id}: ${ESTADOS_COMANDO[estadoComando.estado]}${fallido ? ` — ${estadoComando.error || ""}` : ""}`,
        fallido ? "error" : "ok");
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// What no record can do without (a name, an identifier) and numbers that
// are numbers; blank optional data and out-of-range values go through, for
// the audit to judge. The first problem is shown on its field.
function validar(formEl, rules) {
  for (const el of formEl.querySelectorAll("input")) el.removeAttribute("aria-invalid");
  for (const [name, check] of Object.entries(rules)) {
    const el = formEl.elements[name];
    const problem = check(el.value.trim());
    if (problem) {
      el.setAttribute("aria-invalid", "true");
      el.focus();
      return `${el.labels[0].textContent}: ${problem}`;
    }
  }
  return null;
}

const requerido = (v) => (v ? null : "es obligatorio");
// A number; its range is the audit's to judge (it reports fuera_de_rango).
const numero = (v) => {
  if (!v) return "es obligatorio";
  return Number.isFinite(Number(v)) ? null : "debe ser un número (p. ej. 4.6097)";
};

function form(id, statusId, mutation, input, rules, accepted = () => {}) {
  const formEl = document.getElementById(id);
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById(statusId);
    const problem = validar(formEl, rules);
    if (problem) return setStatus(status, problem, "error");
    const button = formEl.querySelector("button");
    button.disabled = true;
    setStatus(status, "enviando…");
    try {
      const data = await gql(mutation, { input: input(new FormData(formEl)) });
      const result = Object.values(data)[0];
      setStatus(status, `Comando ${result.idComando}: ${ESTADOS_COMANDO[result.estado]}`);
      formEl.reset();
      accepted(result);
      seguirComando(result.idComando, status).catch(() => {});
    } catch (e) {
      const field = e.field && formEl.querySelector(`[name="${e.field}"]`);
      if (field) field.setAttribute("aria-invalid", "true");
      setStatus(status, e.message, "error");
    } finally {
      button.disabled = false;
    }
  });
}

// Follows a registration: its saga's steps as they happen (and once now,
// in case some happened before the subscription saw them).
async function seguir(idPropiedad) {
  siguiendo = idPropiedad;
  document.getElementById("progreso-registro").hidden = false;
  document.getElementById("registro-estado").textContent = "en curso";
  document.getElementById("registro-estado").className = "";
  document.getElementById("registro-motivo").textContent = "";
  document.getElementById("registro-pasos").replaceChildren();
  // Steps the subscription pushed before the answer to the mutation came.
  if (registros.has(idPropiedad)) showRegistro(registros.get(idPropiedad));
  const data = await gql(`query($id: ID!) { registroPropiedad(id: $id) { ${REGISTRO} } }`, { id: idPropiedad });
  showRegistro(data.registroPropiedad);
}

form("form-compania", "status-compania",
  "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombre: f.get("nombre"), email: f.get("email"), identificacion: f.get("identificacion"),
    pais: f.get("pais"), telefono: f.get("telefono") }),
  { nombre: requerido, identificacion: requerido });
form("form-registro", "status-registro",
  "mutation($input: RegistrarPropiedadInput!) { registrarPropiedad(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombre: f.get("nombre"), identificacionCatastral: f.get("identificacionCatastral"), nit: f.get("nit"),
    latitud: f.get("latitud"), longitud: f.get("longitud"), direccion: f.get("direccion") }),
  { nombre: requerido, identificacionCatastral: requerido, nit: requerido, latitud: numero, longitud: numero },
  (result) => seguir(result.idEntidad).catch(() => {}));

subscribe();
load().catch((e) => (document.getElementById("live").textContent = e.message));
