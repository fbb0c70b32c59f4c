// Hash routing: the URL holds the view, its filters, sort, page and the
// open record, so a reload restores them and a link can be shared.
//   #/revision                          the review queue (the landing)
//   #/registros/companias?estado=EN_REVISION&orden=ANTIGUOS&pagina=2&desde=…
//   #/auditorias?resultado=RECHAZADA
//   #/operaciones   #/registrar
//   …&abierto=COMPANIA:0190…            the record the drawer shows
// Opening a record or another view adds a history entry (Back closes the
// drawer, then goes to the previous view); a filter change replaces it.

export const VISTAS = ["revision", "registros", "auditorias", "operaciones", "registrar"];
export const SUBVISTAS = { companias: "COMPANIA", propiedades: "PROPIEDAD", geograficos: "DATOS_GEOGRAFICOS" };

// The addresses of the page before it had routes: `#companias?estado=…`.
const ANTIGUAS = { companias: "registros/companias", propiedades: "registros/propiedades",
  geograficos: "registros/geograficos", reporte: "revision", auditorias: "auditorias", operaciones: "operaciones",
  registrar: "registrar" };

// { vista, sub, params } of a hash ("#/registros/companias?estado=X").
export function leer(hash = location.hash) {
  const sinAlmohadilla = hash.replace(/^#\/?/, "");
  const [camino, consulta = ""] = sinAlmohadilla.split("?");
  const partes = (ANTIGUAS[camino] && !camino.includes("/") ? ANTIGUAS[camino] : camino).split("/");
  let [vista, sub] = partes;
  if (!VISTAS.includes(vista)) vista = "revision";
  if (vista === "registros" && !(sub in SUBVISTAS)) sub = "companias";
  if (vista !== "registros") sub = undefined;
  return { vista, sub, params: new URLSearchParams(consulta) };
}

export function escribir({ vista, sub, params }) {
  const consulta = [...params].filter(([, v]) => v !== "" && v != null);
  const q = new URLSearchParams(consulta).toString();
  return `#/${vista}${sub ? `/${sub}` : ""}${q ? `?${q}` : ""}`;
}

let aplicar = () => {};
let ultimo = null;
// Writes made while our own Back is on its way: applied once it lands, so
// a filter changed right after closing the drawer is not undone by it.
let pendiente = null;

// `fn(ruta, estado)` runs for the first address and every one the user
// goes to (links, Back, Forward, a typed URL); not for `ir`'s own.
export function iniciar(fn) {
  aplicar = fn;
  const alCambiar = () => {
    if (pendiente) return aterrizar();
    if (location.hash === ultimo) return;
    const ruta = leer();
    ultimo = escribir(ruta);
    // An old or partial address reads as its canonical one.
    if (ultimo !== location.hash) history.replaceState(history.state, "", ultimo);
    aplicar(ruta, history.state || {});
  };
  window.addEventListener("popstate", alCambiar);
  window.addEventListener("hashchange", alCambiar);
  // Normalise the first address (old hashes, none) without a new entry.
  const ruta = leer();
  ultimo = escribir(ruta);
  history.replaceState(history.state, "", ultimo);
  aplicar(ruta, history.state || {});
}

// Moves to `ruta` without running the handler (the caller already shows
// it). `reemplazar` keeps the history entry; `estado` rides along in it.
export function ir(ruta, { reemplazar = false, estado = {} } = {}) {
  if (pendiente) {
    pendiente.push([ruta, { reemplazar, estado }]);
    return;
  }
  const hash = escribir(ruta);
  if (hash === location.hash && reemplazar) {
    history.replaceState({ ...(history.state || {}), ...estado }, "", hash);
    return;
  }
  ultimo = hash;
  if (reemplazar) history.replaceState({ ...(history.state || {}), ...estado }, "", hash);
  else history.pushState({ ...estado, empujada: true }, "", hash);
}

// Back one entry, as the page's own move (the drawer closing): the page
// already shows what it leads to, so its handler does not run.
export function volver() {
  pendiente = [];
  history.back();
  setTimeout(() => pendiente && aterrizar(), 1000);
}

function aterrizar() {
  const cola = pendiente;
  pendiente = null;
  ultimo = location.hash;
  for (const [ruta, opciones] of cola) ir(ruta, opciones);
}

// Goes to `ruta` and lets its handler show it (a link's click in code).
export function navegar(ruta) {
  ir(ruta);
  aplicar(leer(), history.state || {});
}

// While the drawer's Back is on its way, the address it lands on.
export function actual() {
  const ruta = leer();
  if (pendiente) ruta.params.delete("abierto");
  return ruta;
}

// The route with one parameter changed (null removes it).
export function con(ruta, cambios) {
  const params = new URLSearchParams(ruta.params);
  for (const [k, v] of Object.entries(cambios)) {
    if (v == null || v === "") params.delete(k);
    else params.set(k, v);
  }
  return { ...ruta, params };
}

// "COMPANIA:0190…" ⇄ { tipo, id }.
export function leerAbierto(params) {
  const valor = params.get("abierto");
  if (!valor || !valor.includes(":")) return null;
  const i = valor.indexOf(":");
  return { tipo: valor.slice(0, i), id: valor.slice(i + 1) };
}
export const abiertoComo = ({ tipo, id }) => `${tipo}:${id}`;

// A link's href to a record, from wherever the reader is.
export const hrefRegistro = (tipo, id) => escribir(con(leer(), { abierto: abiertoComo({ tipo, id }) }));
