// The label dictionary: how the page names fields, findings, states,
// events, saga steps and dates, in Spanish, everywhere (tables, drawer,
// report, filters, history). Codes stay codes in the data; only this
// module turns them into words.

export const ESTADOS = { PENDIENTE: "Pendiente", EN_REVISION: "En revisión", APROBADA: "Aprobada", RECHAZADA: "Rechazada" };
export const nombreEstado = (e) => ESTADOS[e] || (e ? `Estado desconocido (${e})` : "—");

export const TIPOS = { COMPANIA: "Compañía", PROPIEDAD: "Propiedad", DATOS_GEOGRAFICOS: "Datos geográficos" };
// Audits and sagas name kinds as Compania; GraphQL as COMPANIA.
const TIPO_DE = { Compania: "COMPANIA", Propiedad: "PROPIEDAD", DatosGeograficos: "DATOS_GEOGRAFICOS" };
export const tipoGql = (t) => TIPO_DE[t] || t;
export const nombreTipo = (t) => TIPOS[tipoGql(t)] || t;

// A field as a label ("Latitud") and inside a sentence ("la latitud").
const CAMPOS = {
  nombre: ["Nombre", "el nombre"], email: ["Email", "el email"],
  identificacion: ["Identificación (NIT)", "la identificación (NIT)"], pais: ["País", "el país"],
  telefono: ["Teléfono", "el teléfono"], nombre_propiedad: ["Nombre de la propiedad", "el nombre de la propiedad"],
  latitud: ["Latitud", "la latitud"], longitud: ["Longitud", "la longitud"], direccion: ["Dirección", "la dirección"],
  identificacion_catastral: ["Identificación catastral", "la identificación catastral"],
  nit: ["NIT de la compañía", "el NIT de la compañía"],
};
export const etiquetaCampo = (c) => (CAMPOS[c] || [c])[0];
const enFrase = (c) => (CAMPOS[c] || [null, `el campo ${c}`])[1];

// A finding as a short label: "Falta el email", "Latitud fuera de rango".
export function textoHallazgo({ campo, problema }) {
  switch (problema) {
    case "faltante": return `Falta ${enFrase(campo)}`;
    case "formato_invalido": return `${etiquetaCampo(campo)}: formato inválido`;
    case "fuera_de_rango": return `${etiquetaCampo(campo)} fuera de rango`;
    case "desconocido": return `${etiquetaCampo(campo)} desconocido`;
    default: return `${etiquetaCampo(campo)}: ${String(problema).replaceAll("_", " ")}`;
  }
}

// What the field needs, said next to it on a form.
export function requisito(campo, problema) {
  if (problema === "faltante") return "es obligatorio";
  if (campo === "latitud" && problema === "fuera_de_rango") return "debe estar entre −90 y 90";
  if (campo === "longitud" && problema === "fuera_de_rango") return "debe estar entre −180 y 180";
  if (campo === "nit" && problema === "desconocido") return "ninguna compañía registrada con ese NIT";
  if (problema === "formato_invalido") return "no tiene un formato válido";
  return String(problema).replaceAll("_", " ");
}

// The rules' findings as the saga's reasons write them: "latitud fuera_de_rango".
export function hallazgosEnTexto(texto) {
  const encontrados = [];
  for (const m of String(texto || "").matchAll(/\b([a-z_]+) (faltante|formato_invalido|fuera_de_rango|desconocido)\b/g)) {
    encontrados.push({ campo: m[1], problema: m[2] });
  }
  return encontrados;
}

// A server sentence with its finding codes put into words.
export const traducirHallazgos = (texto) => String(texto || "")
  .replace(/\b([a-z_]+) (faltante|formato_invalido|fuera_de_rango|desconocido)\b/g,
    (_, campo, problema) => textoHallazgo({ campo, problema }).toLowerCase());

// The history's events.
const EVENTOS = {
  CompaniaCreada: "Compañía registrada", DatosGeograficosCreados: "Datos geográficos registrados",
  PropiedadCreada: "Propiedad registrada", CompaniaAprobada: "Aprobada", DatosGeograficosAprobados: "Aprobados",
  PropiedadAprobada: "Aprobada", CompaniaRechazada: "Rechazada", DatosGeograficosRechazados: "Rechazados",
  PropiedadRechazada: "Rechazada", PropiedadEliminada: "Eliminada por compensación",
  AuditoriaCompletada: "Auditoría completada", RegistroPropiedadAvanzado: "Registro de la propiedad: un paso más",
};
const COMANDOS = {
  AprobarRevision: "aprobación enviada", RechazarRevision: "rechazo enviado", ReabrirAuditoria: "reapertura enviada",
  CrearCompania: "registro enviado", CrearDatosGeograficos: "registro enviado", RegistrarPropiedad: "registro enviado",
  CrearPropiedad: "registro enviado",
};
export function nombreEvento(evento) {
  const comando = String(evento).replace(/^Comando /, "");
  if (comando !== evento) return `Comando: ${COMANDOS[comando] || comando}`;
  return EVENTOS[evento] || evento;
}

export const ESTADOS_COMANDO = { ACEPTADO: "aceptado, en curso", PROCESADO: "procesado", FALLIDO: "falló" };

// The registration saga.
export const PASOS = {
  crear_propiedad: "Crear la propiedad", crear_datos_geograficos: "Crear sus datos geográficos",
  decidir: "Auditoría y decisión", compensar: "Compensación", terminado: "Fin",
};
export const nombrePaso = (p) => PASOS[p] || p;
export const ESTADOS_REGISTRO = { en_curso: "En curso", completada: "Completada", compensada: "Compensada", fallida: "Fallida" };
export const nombreEstadoRegistro = (e) => ESTADOS_REGISTRO[e] || e;
// "auditoria propiedad aprobada" → "Auditoría de la propiedad: aprobada".
export function textoResultadoPaso(resultado) {
  const m = /^auditoria (propiedad|datos geográficos) (.+)$/.exec(resultado);
  if (m) return `Auditoría ${m[1] === "propiedad" ? "de la propiedad" : "de los datos geográficos"}: ${m[2]}`;
  const parte = /^(propiedad|datos geográficos) (aprobada|rechazada)$/.exec(resultado);
  if (parte) return parte[1] === "propiedad" ? `Propiedad ${parte[2]}` : `Datos geográficos ${parte[2].replace(/a$/, "os")}`;
  return { enviado: "enviado", hecho: "hecho", fallido: "falló" }[resultado] || resultado;
}
// A step's outcome as a code, for its style: ok, espera or error.
export function claseResultado(resultado) {
  if (/fallido|rechazad/.test(resultado)) return "error";
  if (/enviado|en revisión/.test(resultado)) return "espera";
  return "ok";
}

export const ESTADOS_SAGA = { pendiente: "Pendiente o en curso", completada: "Completada", compensada: "Compensada",
  fallida: "Fallida" };
export const NOMBRES_SAGA = { auditoria: "Decisión", registro_propiedad: "Registro de propiedad" };
export const DECISIONES = { aprobar: "Aprobar", rechazar: "Rechazar" };

/* Dates: "4 dic 2026, 19:49", and "hace 5 min" beside or on hover. */

const FORMATO = new Intl.DateTimeFormat("es-CO", {
  day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const RELATIVO = new Intl.RelativeTimeFormat("es", { numeric: "auto", style: "short" });

export function fecha(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return FORMATO.format(d).replace(".", "").replace(/\s+de\s+/g, " ");
}

export function haceTiempo(iso, ahora = Date.now()) {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const s = Math.round((t - ahora) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return RELATIVO.format(s, "second");
  if (abs < 3600) return RELATIVO.format(Math.round(s / 60), "minute");
  if (abs < 86400) return RELATIVO.format(Math.round(s / 3600), "hour");
  return RELATIVO.format(Math.round(s / 86400), "day");
}

export function duracion(segundos) {
  if (!(segundos > 0)) return "0 s";
  if (segundos < 90) return `${Math.round(segundos)} s`;
  if (segundos < 5400) return `${Math.round(segundos / 60)} min`;
  return `${(segundos / 3600).toFixed(1).replace(".", ",")} h`;
}

export const numero = (n) => Number(n).toLocaleString("es-CO");
export const plural = (n, uno, varios) => `${numero(n)} ${n === 1 ? uno : varios}`;
// Ids share long prefixes (UUIDv7 starts with the time): the end tells them apart.
export const sufijo = (id) => String(id).slice(-8);
