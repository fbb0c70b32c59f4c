// PropAlpes web UI: GraphQL mutations and queries over fetch, live updates
// over graphql-transport-ws. No framework, no build step.
"use strict";

const token = new URLSearchParams(location.search).get("token") || localStorage.getItem("propalpes.token");
const auth = token ? { Authorization: `Bearer ${token}` } : {};

async function gql(query, variables = {}) {
  const res = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new Error(`${e.extensions && e.extensions.code ? e.extensions.code + ": " : ""}${e.message}`);
  }
  return body.data;
}

const rows = { Compania: new Map(), DatosGeograficos: new Map() };

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function render(kind) {
  const tbody = document.querySelector(kind === "Compania" ? "#tabla-companias tbody" : "#tabla-propiedades tbody");
  tbody.replaceChildren(
    ...[...rows[kind].values()]
      .sort((a, b) => b.fechaCreacion.localeCompare(a.fechaCreacion))
      .map((r) => {
        const tr = document.createElement("tr");
        tr.dataset.id = r.id;
        const estado = r.estado.charAt(0) + r.estado.slice(1).toLowerCase();
        const fields = kind === "Compania" ? [r.nombre, r.email, r.identificacion, r.pais, r.telefono] : [r.nombrePropiedad, r.latitud, r.longitud, r.direccion];
        tr.append(...fields.map((f) => cell(f || "—")), cell(estado, `estado ${estado}`), cell(r.motivosRechazo.join(", ")));
        return tr;
      })
  );
}

const COMPANIA = "id nombre email identificacion pais telefono estado motivosRechazo fechaCreacion";
const PROPIEDAD = "id nombrePropiedad latitud longitud direccion estado motivosRechazo fechaCreacion";

async function load() {
  const data = await gql(`{
    companias(first: 100) { edges { node { ${COMPANIA} } } }
    datosGeograficos(first: 100) { edges { node { ${PROPIEDAD} } } }
  }`);
  data.companias.edges.forEach(({ node }) => rows.Compania.set(node.id, node));
  data.datosGeograficos.edges.forEach(({ node }) => rows.DatosGeograficos.set(node.id, node));
  render("Compania");
  render("DatosGeograficos");
  await loadReport();
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
      ws.send(JSON.stringify({ id: "g", type: "subscribe", payload: { query: `subscription { cambiosDatosGeograficos { ${PROPIEDAD} } }` } }));
      ws.send(JSON.stringify({ id: "a", type: "subscribe", payload: { query: `subscription { auditoriasCompletadas { id } }` } }));
    } else if (msg.type === "next") {
      const data = msg.payload.data || {};
      if (data.cambiosCompania) {
        rows.Compania.set(data.cambiosCompania.id, data.cambiosCompania);
        render("Compania");
      } else if (data.cambiosDatosGeograficos) {
        rows.DatosGeograficos.set(data.cambiosDatosGeograficos.id, data.cambiosDatosGeograficos);
        render("DatosGeograficos");
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

function form(id, statusId, mutation, input) {
  document.getElementById(id).addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById(statusId);
    status.textContent = "enviando…";
    try {
      const data = await gql(mutation, { input: input(new FormData(event.target)) });
      const accepted = Object.values(data)[0];
      status.textContent = `Comando ${accepted.estado.toLowerCase()} (${accepted.idComando.slice(0, 8)}…)`;
      event.target.reset();
    } catch (e) {
      status.textContent = e.message;
    }
  });
}

form("form-compania", "status-compania",
  "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombre: f.get("nombre"), email: f.get("email"), identificacion: f.get("identificacion"),
    pais: f.get("pais"), telefono: f.get("telefono") }));
form("form-propiedad", "status-propiedad",
  "mutation($input: CrearPropiedadInput!) { crearPropiedad(input: $input) { idComando estado idEntidad } }",
  (f) => ({ nombrePropiedad: f.get("nombrePropiedad"), latitud: f.get("latitud"), longitud: f.get("longitud"),
    direccion: f.get("direccion") }));

subscribe();
load().catch((e) => (document.getElementById("live").textContent = e.message));
