// GraphQL over fetch, with the session's token, and every document the
// page sends, in one place.

const CLAVE_TOKEN = "propalpes.token";

// `?token=` wins over the stored token, as it always has; it is not stored.
let token = new URLSearchParams(location.search).get("token") || leerTokenGuardado();

function leerTokenGuardado() {
  try {
    return localStorage.getItem(CLAVE_TOKEN);
  } catch (_) {
    return null; // storage disabled: the session lasts as long as the page
  }
}

export const tokenActual = () => token;

export function cambiarTokenGuardado(nuevo) {
  token = nuevo || null;
  try {
    if (token) localStorage.setItem(CLAVE_TOKEN, token);
    else localStorage.removeItem(CLAVE_TOKEN);
  } catch (_) {
    /* storage disabled: keep it in memory only */
  }
}

export function cabeceras() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// An error the server named: its code and, for bad input, the field.
export class GqlError extends Error {
  constructor(e) {
    super(e.message);
    this.code = e.extensions && e.extensions.code;
    this.field = e.extensions && e.extensions.field;
  }
}

// What the server's error codes mean to the person using the page.
const MENSAJES = {
  UNAUTHENTICATED: "Necesita iniciar sesión para continuar.",
  TOKEN_EXPIRED: "Su sesión venció: vuelva a iniciar sesión.",
  INVALID_TOKEN: "El token de la sesión no es válido: inicie sesión de nuevo o salga.",
  FORBIDDEN: "Su rol no permite esta acción.",
  UNAVAILABLE: "Los datos no están disponibles en este momento; inténtelo de nuevo.",
  PAGE_SIZE_TOO_LARGE: "La página pedida es demasiado grande (máximo 100 filas).",
};

// The codes that mean «sign in (again)».
export const SIN_SESION = new Set(["UNAUTHENTICATED", "TOKEN_EXPIRED", "INVALID_TOKEN"]);

export const mensaje = (e) => (e.code && MENSAJES[e.code]) || e.message;

let alPerderSesion = () => {};
export function cuandoSePierdaLaSesion(fn) {
  alPerderSesion = fn;
}

export async function gql(query, variables = {}, { sinToken = false } = {}) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(sinToken ? {} : cabeceras()) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (_) {
    throw new Error("No se pudo contactar el servidor; inténtelo de nuevo.");
  }
  const body = await res.json().catch(() => ({ errors: [{ message: `respuesta inválida del servidor (${res.status})` }] }));
  if (body.errors && body.errors.length) {
    const error = new GqlError(body.errors[0]);
    if (SIN_SESION.has(error.code) && !sinToken) alPerderSesion(mensaje(error));
    throw error;
  }
  return body.data;
}

/* ------------------------------------------------------------------ */
/* The documents                                                       */
/* ------------------------------------------------------------------ */

export const AUDITORIA_FILA = "auditoria { id resultado fecha motivo revisor hallazgos { campo problema explicacion } }";
const HISTORIAL = "historial { evento descripcion fecha }";
const AUDITORIA_CAMPOS = "id tipoEntidad idEntidad resultado hallazgos { campo problema explicacion } fecha motivo revisor";
export const REGISTRO = "idPropiedad estado paso motivo pasos { paso resultado detalle fecha }";

// Each record type: its list, its single query, its fields, its feed.
export const TIPOS_GQL = {
  COMPANIA: { lista: "companias", uno: "compania", suscripcion: "cambiosCompania",
    campos: "id nombre email identificacion pais telefono estado motivosRechazo fechaCreacion fechaActualizacion" },
  PROPIEDAD: { lista: "propiedades", uno: "propiedad", suscripcion: "cambiosPropiedad",
    campos: "id nombre identificacionCatastral nit estado motivosRechazo fechaCreacion fechaActualizacion",
    extraDetalle: `registro { ${REGISTRO} } datosGeograficos { id nombrePropiedad latitud longitud direccion estado }` },
  DATOS_GEOGRAFICOS: { lista: "datosGeograficos", uno: "datoGeografico", suscripcion: "cambiosDatosGeograficos",
    campos: "id nombrePropiedad latitud longitud direccion estado motivosRechazo fechaCreacion fechaActualizacion" },
};

export const consultaLista = (tipo) => `query($estado: Estado, $hallazgo: FiltroHallazgo, $buscar: String, $orden: Orden,
  $first: Int, $after: String) {
  ${TIPOS_GQL[tipo].lista}(estado: $estado, hallazgo: $hallazgo, buscar: $buscar, orden: $orden, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${TIPOS_GQL[tipo].campos} ${AUDITORIA_FILA} } } } }`;

export const AUDITORIAS = `query($resultado: Estado, $tipo: TipoEntidad, $hallazgo: FiltroHallazgo, $first: Int, $after: String) {
  auditorias(resultado: $resultado, tipo: $tipo, hallazgo: $hallazgo, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AUDITORIA_CAMPOS} } } } }`;

// The review queue: every record EN_REVISION, oldest first, of each type
// (the oldest 100 across types are all among the oldest 100 of their own).
export const COLA = `{ ${Object.entries(TIPOS_GQL).map(([tipo, t]) => `${tipo}: ${t.lista}(estado: EN_REVISION, orden: ANTIGUOS, first: 100) {
  totalCount edges { node { ${t.campos} ${AUDITORIA_FILA} } } }`).join("\n")} }`;

export const consultaDetalle = (tipo) => `query($id: ID!) { ${TIPOS_GQL[tipo].uno}(id: $id) {
  ${TIPOS_GQL[tipo].campos} ${AUDITORIA_FILA} ${HISTORIAL} ${TIPOS_GQL[tipo].extraDetalle || ""} } }`;

// Names for ids that stand alone (the audits table): one query per page.
export const consultaNombres = (porTipo) => `{ ${Object.entries(porTipo).map(([tipo, ids]) => ids.map((id, i) =>
  `${tipo}_${i}: ${TIPOS_GQL[tipo].uno}(id: ${JSON.stringify(id)}) { id ${tipo === "DATOS_GEOGRAFICOS" ? "nombrePropiedad" : "nombre"} }`)
  .join(" ")).join(" ")} }`;

export const revisionMutacion = (mutacion) => `mutation($tipo: TipoEntidad!, $id: ID!, $motivo: String!) {
  ${mutacion}(tipo: $tipo, id: $id, motivo: $motivo) { idComando estado idEntidad } }`;

export const ESTADO_COMANDO = "query($id: ID!) { estadoComando(id: $id) { estado error } }";

export const REPORTE = "{ reporteFaltantes { tipoEntidad campo problema explicacion total } }";
// How many records with each finding still wait for a person.
export const pendientesPorHallazgo = (filas) => `{ ${filas.map((c, i) => `h${i}: ${TIPOS_GQL[c.tipoEntidad].lista}(estado: EN_REVISION,
  hallazgo: { campo: ${JSON.stringify(c.campo)}, problema: ${JSON.stringify(c.problema)} }, first: 1) { totalCount }`).join(" ")} }`;

export const OPERACIONES = `{ operaciones { grafana
  servicios { nombre listo detalle outboxPendientes outboxAntiguedadSegundos
    consumidores { topic suscripcion retrasoSegundos pausado consumidos } }
  cartasMuertas { id topic suscripcion tipo motivo intentos fecha contenido }
  cartasDescartadas { carta { id topic tipo motivo } descartadaPor razon fecha } } }`;
export const SAGAS = `{ operaciones { sagas { porEstado { estado total }
  fallidas { saga tipoEntidad idEntidad decision intentos ultimoError fechaActualizacion } } } }`;
export const REINTENTAR = `mutation($t: String!, $id: String) { reintentarCartasMuertas(topic: $t, id: $id) {
  reenviadas aplicadas rechazadas fallidasOtraVez enEspera } }`;
export const DESCARTAR = `mutation($t: String!, $id: String!, $m: String!) { descartarCartaMuerta(topic: $t, id: $id, motivo: $m) {
  descartadaPor razon fecha } }`;
export const REGISTROS_FALLIDOS = `{ registrosPropiedad(estado: "fallida", first: 100) { edges { node { ${REGISTRO} } } } }`;
export const REGISTRO_PROPIEDAD = `query($id: ID!) { registroPropiedad(id: $id) { ${REGISTRO} } }`;

export const SUSCRIPCIONES = {
  ...Object.fromEntries(Object.entries(TIPOS_GQL).map(([tipo, t]) =>
    [tipo, `subscription { ${t.suscripcion} { ${t.campos} ${AUDITORIA_FILA} } }`])),
  REGISTRO: `subscription { cambiosRegistroPropiedad { ${REGISTRO} } }`,
  AUDITORIA: `subscription { auditoriasCompletadas { ${AUDITORIA_CAMPOS} } }`,
};

export const SESION = "{ sesion { anonimo rol usuario puede desarrollo } }";
export const ENTRAR = "mutation($rol: String!) { iniciarSesionDesarrollo(rol: $rol) }";
export const CREAR_COMPANIA = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }";
export const REGISTRAR_PROPIEDAD = `mutation($input: RegistrarPropiedadInput!) {
  registrarPropiedad(input: $input) { idComando estado idEntidad } }`;
