// An auditor's review in the detail drawer. Seeds two companies through
// GraphQL: one with the email "ventas.andes" (formato_invalido, which the
// review table leaves to a person: EN_REVISION) and one with a blank email
// (faltante: Rechazada by the rules). Filters the table by «En revisión»,
// opens the first company, tries «Aprobar» without a motivo (a field error
// on the textarea, no request), approves it with one and waits for
// Aprobada with the motivo in the audit. Then opens the Rechazada one,
// reopens it (En revisión), shows what the server's refusals look like
// (a blank motivo on the field; an impossible transition in the status),
// and approves it. Writes screenshots review.png and reopened.png.
//   node review.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { argumentos, clienteGql, esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

// The seeding needs the URL before the browser starts.
const { url } = argumentos();

const gql = clienteGql(url);

// Waits until the company's estado is `estado` (the audit runs after the command).
async function esperarEstado(id, estado, ms = 30000) {
  const fin = Date.now() + ms;
  let visto;
  while (Date.now() < fin) {
    const { compania } = await gql("query($id: ID!) { compania(id: $id) { estado } }", { id });
    visto = compania && compania.estado;
    if (visto === estado) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`company ${id} stayed ${visto}, not ${estado}`);
}

const sello = Date.now();
const CREAR = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }";
const enRevision = {
  nombre: `Revisión Andes ${sello}`,
  id: (await gql(CREAR, { input: { nombre: `Revisión Andes ${sello}`, email: "ventas.andes", identificacion: `9011${sello % 100000}` } }))
    .crearCompania.idEntidad,
};
const rechazada = {
  nombre: `Revisión Sin Email ${sello}`,
  id: (await gql(CREAR, { input: { nombre: `Revisión Sin Email ${sello}`, email: "", identificacion: `9022${sello % 100000}` } }))
    .crearCompania.idEntidad,
};
await esperarEstado(enRevision.id, "EN_REVISION");
await esperarEstado(rechazada.id, "RECHAZADA");

await probar(async ({ browser, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1280, height: 1000 } }));
  // Every review mutation the page sends.
  const enviadas = [];
  page.on("request", (req) => {
    const cuerpo = req.method() === "POST" && req.url().endsWith("/graphql") ? req.postData() || "" : "";
    const m = /(aprobarRevision|rechazarRevision|reabrirAuditoria)\(/.exec(cuerpo);
    if (m) enviadas.push(m[1]);
  });
  const drawer = page.locator("dialog#detalle");
  const estadoDrawer = page.locator("#detalle-estado");
  const motivo = page.locator("#revision-motivo");
  const estadoRevision = page.locator("#revision-estado");
  const esperar = (selector, texto, timeout = 30000) => esperarTexto(page, selector, texto, timeout);
  const abrir = async (id) => {
    const fila = page.locator(`#tabla-companias tbody tr[data-id="${id}"]`);
    await fila.waitFor({ timeout: 15000 });
    await fila.click();
    await page.waitForSelector("dialog#detalle[open]", { timeout: 5000 });
    await page.waitForSelector("#detalle-revision", { state: "visible", timeout: 15000 });
  };
  const cerrar = async () => {
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 5000 });
  };

  await page.goto(`${url}/#/registros/companias`);
  await esperarEnVivo(page);
  await esperarTexto(page, "#sesion-estado", "Acceso local");

  // The estado filter offers «En revisión»; the cell reads so, in its own color.
  const opcion = await page.$eval("#companias-estado option[value='EN_REVISION']", (o) => o.textContent);
  if (opcion !== "En revisión") throw new Error(`the filter option reads ${JSON.stringify(opcion)}`);
  await page.selectOption("#companias-estado", "EN_REVISION");
  const fila = page.locator(`#tabla-companias tbody tr[data-id="${enRevision.id}"]`);
  // The filtered page has arrived when every row reads «En revisión».
  await page.waitForFunction((id) => {
    const celdas = [...document.querySelectorAll("#tabla-companias tbody td.estado")].map((td) => td.textContent);
    return !document.getElementById("companias").hasAttribute("aria-busy")
      && document.querySelector(`#tabla-companias tbody tr[data-id="${id}"]`) && celdas.every((e) => e === "En revisión");
  }, enRevision.id, { timeout: 15000 });
  const estadosFiltrados = await page.locator("#tabla-companias tbody td.estado").allTextContents();
  if (estadosFiltrados.some((e) => e !== "En revisión")) throw new Error(`filtered estados: ${estadosFiltrados}`);
  const color = await fila.locator("td.estado").evaluate((td) => getComputedStyle(td).color);
  const otros = await page.evaluate(() => ["PENDIENTE", "APROBADA", "RECHAZADA"].map((c) => {
    const span = document.createElement("span");
    span.className = `estado estado-${c}`;
    document.body.append(span);
    const col = getComputedStyle(span).color;
    span.remove();
    return col;
  }));
  if (otros.includes(color) || color === "rgb(29, 35, 48)") throw new Error(`«En revisión» is not a color of its own: ${color}`);

  // The drawer of the EN_REVISION company: «Aprobar» without a motivo.
  await abrir(enRevision.id);
  await page.waitForSelector("#revision-aprobar", { timeout: 15000 });
  await page.waitForSelector("#revision-rechazar", { timeout: 5000 });
  const etiqueta = await page.$eval("label[for='revision-motivo']", (l) => l.textContent);
  if (etiqueta !== "Motivo (obligatorio)") throw new Error(`the textarea's label reads ${JSON.stringify(etiqueta)}`);
  await page.click("#revision-aprobar");
  await page.waitForSelector("#revision-motivo[aria-invalid='true']", { timeout: 5000 });
  const describe = (await motivo.getAttribute("aria-describedby")) || "";
  if (!describe.split(/\s+/).includes("revision-error")) throw new Error(`aria-describedby is ${JSON.stringify(describe)}`);
  const errorCampo = (await page.locator("#revision-error").textContent()).trim();
  if (!errorCampo || !(await page.locator("#revision-error").isVisible())) throw new Error("no visible field error for a blank motivo");
  if ((await page.evaluate(() => document.activeElement.id)) !== "revision-motivo") throw new Error("the focus is not on the motivo");
  await page.waitForTimeout(300);
  if (enviadas.length) throw new Error(`a blank motivo was sent: ${enviadas}`);

  // With a motivo: the buttons wait (the answer is held back a moment), then Aprobada.
  const motivoAprobar = `Dominio confirmado por teléfono (${sello})`;
  await motivo.fill(motivoAprobar);
  if (await motivo.getAttribute("aria-invalid")) throw new Error("the field error outlived typing a motivo");
  await page.route("**/graphql", async (route) => {
    if ((route.request().postData() || "").includes("aprobarRevision(")) await new Promise((r) => setTimeout(r, 600));
    await route.continue().catch(() => {}); // unrouted meanwhile: already on its way
  });
  await page.click("#revision-aprobar");
  const enVuelo = await page.evaluate(() => ["revision-aprobar", "revision-rechazar"].map((id) => document.getElementById(id).disabled));
  if (enVuelo.some((d) => !d)) throw new Error(`the buttons were not disabled in flight: ${enVuelo}`);
  await esperar("#detalle-estado", "Aprobada");
  await esperar("#detalle-causa", motivoAprobar);
  await page.unroute("**/graphql");
  await esperar("#revision-estado", "Aprobada");
  await page.waitForSelector("#revision-reabrir", { timeout: 5000 });
  const decision = (await page.locator("#detalle-causa").textContent()).trim();
  if (!/ la aprobó: /.test(decision)) throw new Error(`the drawer's cause reads ${JSON.stringify(decision)}`);
  await page.locator('#detalle-historial li[data-evento="Comando AprobarRevision"]').waitFor({ timeout: 15000 });
  // The table's row follows.
  await page.locator(`#tabla-companias tbody tr[data-id="${enRevision.id}"] td.estado:has-text('Aprobada')`).waitFor({ timeout: 15000 });
  const capturaRevision = await captura(page, "review.png");
  if (enviadas.join() !== "aprobarRevision") throw new Error(`review requests: ${enviadas}`);
  await cerrar();

  // The Rechazada company: reopen it with a motivo.
  await page.selectOption("#companias-estado", "RECHAZADA");
  await page.waitForFunction(() => !document.getElementById("companias").hasAttribute("aria-busy")
    && [...document.querySelectorAll("#tabla-companias tbody td.estado")].every((td) => td.textContent === "Rechazada"),
  null, { timeout: 15000 });
  await abrir(rechazada.id);
  await page.waitForSelector("#revision-reabrir", { timeout: 15000 });
  if (await page.locator("#revision-aprobar").count()) throw new Error("a decided record offers «Aprobar»");
  const motivoReabrir = `El cliente envió su email (${sello})`;
  await motivo.fill(motivoReabrir);
  await page.click("#revision-reabrir");
  await esperar("#detalle-estado", "En revisión");
  await esperar("#detalle-causa", motivoReabrir);
  // The live update may draw it first; the review is done when it says so.
  await esperar("#revision-estado", "Listo");
  await page.waitForSelector("#revision-aprobar:enabled", { timeout: 5000 });
  if (await motivo.inputValue()) throw new Error("the motivo on record stayed in the textarea");
  const capturaReabierta = await captura(page, "reopened.png");

  // The server's refusals, as the page shows them (answers stubbed: a
  // blank motivo never leaves the page, and the record is really EN_REVISION).
  const stub = (error) => page.route("**/graphql", (route) =>
    (route.request().postData() || "").includes("aprobarRevision(")
      ? route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ data: null, errors: [error] }) })
      : route.continue());
  await motivo.fill("por si acaso");
  await stub({ message: "motivo: a written reason is required", extensions: { code: "BAD_USER_INPUT", field: "motivo" } });
  await page.click("#revision-aprobar");
  await page.waitForSelector("#revision-motivo[aria-invalid='true']", { timeout: 5000 });
  const errorServidor = (await page.locator("#revision-error").textContent()).trim();
  if (!errorServidor.includes("servidor")) throw new Error(`the server's field error reads ${JSON.stringify(errorServidor)}`);
  await page.unroute("**/graphql");
  await stub({ message: "the record is Aprobada: only a record EnRevision can be approved or rejected in review",
    extensions: { code: "INVALID_TRANSITION" } });
  await page.click("#revision-aprobar");
  await esperar("#revision-estado", "El registro ya no admite «Aprobar»", 10000);
  const transicion = (await estadoRevision.textContent()).trim();
  if ((await estadoRevision.getAttribute("aria-live")) !== "polite") throw new Error("the review status is not aria-live");
  await page.unroute("**/graphql");
  if (await page.locator("#revision-aprobar").isDisabled()) throw new Error("«Aprobar» stayed disabled after a refusal");

  // And the real approval.
  const motivoFinal = `Email recibido y verificado (${sello})`;
  await motivo.fill(motivoFinal);
  await page.click("#revision-aprobar");
  await esperar("#detalle-estado", "Aprobada");
  await esperar("#detalle-causa", motivoFinal);
  await page.locator(`#tabla-companias tbody tr[data-id="${rechazada.id}"] td.estado:has-text('Aprobada')`).waitFor({ timeout: 15000 });
  await cerrar();

  // A role that may not decide (operador) sees no «Revisión».
  await page.click("#boton-sesion");
  await page.click("#entrar-operador");
  await esperarTexto(page, "#sesion-estado", "Rol: operador");
  await page.selectOption("#companias-estado", "");
  const filaOperador = page.locator(`#tabla-companias tbody tr[data-id="${enRevision.id}"]`);
  await filaOperador.waitFor({ timeout: 15000 });
  await filaOperador.click();
  await page.waitForSelector("#detalle-historial", { timeout: 15000 });
  if ((await page.locator("#detalle-revision").count()) !== 1 || await page.locator("#detalle-revision").isVisible()) throw new Error("«Revisión» shows to an operador");
  await cerrar();
  await page.click("#salir");
  await esperarTexto(page, "#sesion-estado", "Acceso local");

  const final = await gql("query($id: ID!) { compania(id: $id) { estado auditoria { motivo revisor } } }", { id: rechazada.id });
  if (final.compania.estado !== "APROBADA" || final.compania.auditoria.motivo !== motivoFinal) {
    throw new Error(`the server has ${JSON.stringify(final.compania)}`);
  }
  return {
    enRevision: enRevision.id, reabierta: rechazada.id, color, errorCampo, errorServidor, transicion, decision,
    enviadas: enviadas.length, screenshots: [capturaRevision, capturaReabierta],
  };
});
