// Live updates over graphql-transport-ws: the records' changes, the
// registrations' steps and the audits, handed to `alRecibir(clave, dato)`;
// a dropped connection comes back with backoff and `alVolver()` reloads
// what it missed.
import { cabeceras, SUSCRIPCIONES } from "./gql.js";

let conexion = null; // the current WebSocket; an older one closing is ignored
let reintentos = 0;
let seCayo = false;
let ganchos = { alRecibir: () => {}, alVolver: () => {} };

export function iniciar(g) {
  ganchos = { ...ganchos, ...g };
  suscribir();
}

function suscribir() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/graphql/ws`, "graphql-transport-ws");
  conexion = ws;
  const live = document.getElementById("live");
  // Browsers cannot set headers on a WebSocket: the token goes in connection_init.
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: cabeceras() }));
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "connection_ack") {
      live.textContent = "en vivo";
      reintentos = 0;
      for (const [id, query] of Object.entries(SUSCRIPCIONES)) {
        ws.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
      }
      if (seCayo) {
        seCayo = false;
        ganchos.alVolver();
      }
    } else if (msg.type === "next") {
      const dato = Object.values(msg.payload.data || {})[0];
      if (dato) ganchos.alRecibir(msg.id, dato);
    } else if (msg.type === "error") {
      live.textContent = "sin cambios en vivo";
    } else if (msg.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    }
  };
  ws.onclose = () => {
    if (conexion !== ws) return;
    live.textContent = "reconectando…";
    seCayo = true;
    setTimeout(suscribir, Math.min(1000 * 2 ** reintentos++, 10000));
  };
}

// A new token: the open connection authenticated with the old one.
export function reconectar() {
  const vieja = conexion;
  conexion = null;
  if (vieja) vieja.close();
  reintentos = 0;
  suscribir();
}
