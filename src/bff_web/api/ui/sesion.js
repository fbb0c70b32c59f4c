// The session: who is signed in and what they may do (elements marked
// data-requiere="crear|decidir|operar" show only to a role that may), the
// sign-in panel, development sign-in, and signing out.
import { gql, mensaje, SIN_SESION, SESION, ENTRAR, tokenActual, cambiarTokenGuardado, cuandoSePierdaLaSesion } from "./gql.js";

const $ = (id) => document.getElementById(id);

// The session as the server reports it; null until known, and then every
// action shows, as the page did before it had sessions.
let sesion = null;
let alCambiarToken = () => {};

export const puede = (accion) => !sesion || sesion.anonimo || sesion.puede.includes(accion);

// The attribute must be the only reason such an element is hidden.
export function aplicarPermisos(raiz = document) {
  for (const node of raiz.querySelectorAll("[data-requiere]")) node.hidden = !puede(node.dataset.requiere);
}

export async function cargar() {
  try {
    sesion = (await gql(SESION)).sesion;
  } catch (e) {
    if (!SIN_SESION.has(e.code)) {
      $("sesion-estado").textContent = `Sesión desconocida: ${mensaje(e)}`;
      return;
    }
    // The token was refused: ask again without it, to learn whether the
    // development sign-in is offered.
    const sinToken = await gql(SESION, {}, { sinToken: true }).catch(() => null);
    sesion = { anonimo: false, rol: null, usuario: null, puede: [], desarrollo: Boolean(sinToken && sinToken.sesion.desarrollo) };
  }
  mostrar();
}

function mostrar() {
  const estado = $("sesion-estado");
  const token = tokenActual();
  if (sesion.anonimo) estado.textContent = "Acceso local sin sesión (todas las acciones)";
  else if (sesion.rol) estado.textContent = `Rol: ${sesion.rol}${sesion.usuario ? ` (${sesion.usuario})` : ""}`;
  else estado.textContent = token ? "Sesión no válida" : "Sin sesión";
  $("salir").hidden = !token;
  $("boton-sesion").textContent = token ? "Cambiar de sesión" : "Iniciar sesión";
  $("entrar-desarrollo").hidden = !sesion.desarrollo;
  aplicarPermisos();
  // Keep a more precise message the refused request already put there.
  if (!sesion.anonimo && !sesion.rol && !$("sesion-mensaje").textContent) pedir("Inicie sesión para consultar y operar.");
}

function abrirPanel(abrir) {
  $("panel-sesion").hidden = !abrir;
  $("boton-sesion").setAttribute("aria-expanded", String(abrir));
}

// The server refused a request for lack of a (valid) session.
function pedir(texto) {
  $("sesion-mensaje").textContent = texto;
  abrirPanel(true);
}

async function cambiarToken(nuevo) {
  cambiarTokenGuardado(nuevo);
  if (!nuevo && new URLSearchParams(location.search).has("token")) {
    // Signing out also forgets a ?token= the page was opened with.
    const url = new URL(location.href);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", url);
  }
  $("sesion-mensaje").textContent = "";
  abrirPanel(false);
  await cargar();
  alCambiarToken();
}

async function entrarComo(rol) {
  try {
    const data = await gql(ENTRAR, { rol }, { sinToken: true });
    await cambiarToken(data.iniciarSesionDesarrollo);
  } catch (e) {
    $("sesion-mensaje").textContent = `No se pudo entrar como ${rol}: ${mensaje(e)}`;
  }
}

// `cambio()` runs after the token changed (reconnect, reload the data).
export function construir({ cambio }) {
  alCambiarToken = cambio;
  cuandoSePierdaLaSesion(pedir);
  $("boton-sesion").addEventListener("click", () => {
    const abrir = $("panel-sesion").hidden;
    abrirPanel(abrir);
    if (abrir) $("token").focus();
  });
  $("salir").addEventListener("click", () => cambiarToken(null));
  $("entrar-operador").addEventListener("click", () => entrarComo("operador"));
  $("entrar-auditor").addEventListener("click", () => entrarComo("auditor"));
  $("form-token").addEventListener("submit", (event) => {
    event.preventDefault();
    const campo = $("token");
    // Accept a pasted "Bearer eyJ…" as well as the bare token.
    const valor = campo.value.trim().replace(/^Bearer\s+/i, "");
    if (!valor) {
      $("sesion-mensaje").textContent = "Pegue un token para continuar.";
      campo.focus();
      return;
    }
    campo.value = "";
    cambiarToken(valor);
  });
}
