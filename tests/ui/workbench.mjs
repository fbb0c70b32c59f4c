// The reviewer's workbench over 250 companies the driver created ("Empresa
// 000".."Empresa 249", every fifth with a blank email, so Rechazada with
// "email faltante"): server-side pages walked forward (250 distinct ids)
// and back, the estado filter, the report's link filtering by its finding,
// the search, the name order, the detail drawer (by keyboard) with the
// finding's explanation and the history; the audits table (one audit per
// company, 50 Rechazada, a row's «Registro» opening that company's
// drawer); a page of 100 rows whose render time the page measured; and,
// last (it adds two companies), a new audit on top of the unfiltered
// audits and the reload hint on a filtered page. Writes screenshots.
//   node workbench.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

const TOTAL = 250;

await probar(async ({ browser, url, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1280, height: 1000 } }));
  const rango = page.locator("#companias-rango");
  const filas = page.locator("#tabla-companias tbody tr[data-id]");
  // Waits for the pager to read `texto` (a page has arrived and rendered).
  const esperarRango = (texto) => esperarTexto(page, "#companias-rango", texto);
  const idsVisibles = () => filas.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));

  await page.goto(`${url}/#/registros/companias`);
  await esperarEnVivo(page);
  await esperarRango(`de ${TOTAL}`);
  if ((await filas.count()) !== 20) throw new Error(`the first page has ${await filas.count()} rows, not 20`);
  const primerRango = await rango.textContent();
  if (!primerRango.includes(`1–20 de ${TOTAL}`)) throw new Error(`the pager reads ${JSON.stringify(primerRango)}`);
  await captura(page, "workbench.png");

  // Forward through every page, collecting ids, remembering each page.
  const paginas = [await idsVisibles()];
  while (!(await page.locator("#companias-siguiente").isDisabled())) {
    const antes = await rango.textContent();
    await page.click("#companias-siguiente");
    await page.waitForFunction((a) => document.querySelector("#companias-rango").textContent !== a, antes, { timeout: 15000 });
    paginas.push(await idsVisibles());
    if (paginas.length > 20) throw new Error("more pages than 250 rows at 20 a page can fill");
  }
  const todos = paginas.flat();
  const distinct = new Set(todos).size;
  if (todos.length !== TOTAL || distinct !== TOTAL) throw new Error(`paged through ${todos.length} rows, ${distinct} distinct`);
  if (!(await rango.textContent()).includes(`241–250 de ${TOTAL}`)) throw new Error(`last page reads ${await rango.textContent()}`);
  // And one page back, through the stack of cursors: the same rows as before.
  await page.click("#companias-anterior");
  await esperarRango(`221–240 de ${TOTAL}`);
  if (JSON.stringify(await idsVisibles()) !== JSON.stringify(paginas[paginas.length - 2])) throw new Error("Anterior shows other rows");

  // The estado filter: the 50 without an email are Rechazada.
  await page.selectOption("#companias-estado", "RECHAZADA");
  await esperarRango("1–20 de 50");
  const estados = await page.locator("#tabla-companias tbody td.estado").allTextContents();
  if (estados.some((e) => e !== "Rechazada")) throw new Error(`filtered estados: ${estados}`);
  await page.selectOption("#companias-estado", "");
  await esperarRango(`de ${TOTAL}`);

  // The report's row (in the review view) opens the table filtered by its finding.
  await page.click('nav a[data-vista="revision"]');
  const enlace = page.locator('#tabla-reporte a[data-tipo="COMPANIA"][data-campo="email"][data-problema="faltante"]');
  await enlace.waitFor({ timeout: 15000 });
  if ((await enlace.textContent()).trim() !== "Falta el email") throw new Error(`report link reads ${await enlace.textContent()}`);
  await enlace.click();
  await esperarRango("1–20 de 50");
  const filtro = await page.$eval("#companias-hallazgo", (s) => s.options[s.selectedIndex].textContent);
  if (!filtro.includes("Falta el email")) throw new Error(`the finding filter shows ${filtro}`);
  const enfocado = await page.evaluate(() => document.activeElement.id);
  if (enfocado !== "h-companias") throw new Error(`after the report link the focus is on #${enfocado}`);
  await page.selectOption("#companias-hallazgo", "");
  await esperarRango(`de ${TOTAL}`);

  // The search (debounced) by name: exactly that company.
  await page.fill("#companias-buscar", "Empresa 137");
  await esperarRango("1–1 de 1");
  const encontrada = await filas.first().locator("td.nombre").textContent();
  if (encontrada !== "Empresa 137") throw new Error(`the search found ${encontrada}`);
  // By NIT too (the pager reads the same: wait for the row).
  await page.fill("#companias-buscar", "900000042");
  await page.waitForFunction(() => {
    const nombres = [...document.querySelectorAll("#tabla-companias tbody tr[data-id] td.nombre")].map((td) => td.textContent);
    return nombres.length === 1 && nombres[0] === "Empresa 042";
  }, null, { timeout: 15000 });
  await page.fill("#companias-buscar", "");
  await esperarRango(`de ${TOTAL}`);

  // Name A–Z.
  await page.selectOption("#companias-orden", "NOMBRE_ASC");
  await page.waitForFunction(() => {
    const td = document.querySelector("#tabla-companias tbody tr[data-id] td.nombre");
    return td && td.textContent === "Empresa 000";
  }, null, { timeout: 15000 });
  await page.selectOption("#companias-orden", "RECIENTES");

  // The drawer of a Rechazada company, opened with the keyboard.
  await page.selectOption("#companias-estado", "RECHAZADA");
  await esperarRango("1–20 de 50");
  const fila = filas.first();
  const idRechazada = await fila.getAttribute("data-id");
  await fila.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog#detalle[open]", { timeout: 5000 });
  if (!(await page.evaluate(() => document.getElementById("detalle").contains(document.activeElement)))) {
    throw new Error("the focus did not move into the drawer");
  }
  // The drawer says why first: the rules' finding, explained; the field is marked.
  await esperarTexto(page, "#detalle-causa", "rechazaron");
  const textoExplicacion = "Falta el email";
  const causa = (await page.locator("#detalle-causa").textContent()).trim();
  if (!causa.includes(textoExplicacion)) throw new Error(`the drawer's cause reads ${causa}`);
  await page.locator('#detalle dd.marcado[data-campo="email"]').waitFor({ timeout: 5000 });
  await page.waitForFunction(() => document.querySelectorAll("#detalle-historial li").length >= 2, null, { timeout: 15000 });
  const historial = await page.locator("#detalle-historial li").allTextContents();
  const datos = await page.locator("#detalle-tecnico").textContent();
  if (!datos.includes(idRechazada)) throw new Error("the drawer's technical details lack the full id");
  await captura(page, "drawer.png");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 5000 });
  const vuelto = await page.evaluate(() => document.activeElement.dataset && document.activeElement.dataset.id);
  if (vuelto !== idRechazada) throw new Error("the focus did not return to the row");

  // The audits: one per company, paged like the companies.
  await page.click('nav a[data-vista="auditorias"]');
  const rangoAuditorias = page.locator("#auditorias-rango");
  const filasAuditorias = page.locator("#tabla-auditorias tbody tr[data-id]");
  const esperarAuditorias = (texto) => esperarTexto(page, "#auditorias-rango", texto);
  await esperarAuditorias(`de ${TOTAL}`);
  const textoAuditorias = await rangoAuditorias.textContent();
  if (!textoAuditorias.includes(`Mostrando 1–20 de ${TOTAL}`)) throw new Error(`the audits pager reads ${JSON.stringify(textoAuditorias)}`);
  const auditoriasTotal = Number(/de ([\d.]+)/.exec(textoAuditorias)[1].replaceAll(".", ""));
  if ((await filasAuditorias.count()) !== 20) throw new Error(`the audits page has ${await filasAuditorias.count()} rows`);
  const tipos = new Set(await page.locator("#tabla-auditorias tbody tr[data-id] td.tipo").allTextContents());
  if (tipos.size !== 1 || !tipos.has("Compañía")) throw new Error(`audit types: ${[...tipos]}`);
  const primeraAuditoria = await filasAuditorias.first().getAttribute("data-id");
  await page.click("#auditorias-siguiente");
  await esperarAuditorias(`21–40 de ${TOTAL}`);
  await page.click("#auditorias-anterior");
  await esperarAuditorias(`1–20 de ${TOTAL}`);
  if ((await filasAuditorias.first().getAttribute("data-id")) !== primeraAuditoria) throw new Error("audits: Anterior shows other rows");
  // Rechazada: the 50 without an email, each with its finding explained.
  await page.selectOption("#auditorias-resultado", "RECHAZADA");
  await esperarAuditorias("1–20 de 50");
  const resultados = await page.locator("#tabla-auditorias tbody td.estado").allTextContents();
  if (resultados.length !== 20 || resultados.some((r) => r !== "Rechazada")) throw new Error(`filtered audits: ${resultados}`);
  const hallazgosAuditoria = await page.locator("#tabla-auditorias tbody tr[data-id] td.hallazgos").allTextContents();
  if (hallazgosAuditoria.some((h) => !h.includes(textoExplicacion))) throw new Error(`audit findings: ${hallazgosAuditoria}`);
  const decididos = new Set(await page.locator("#tabla-auditorias tbody td.decision").allTextContents());
  if (decididos.size !== 1 || !decididos.has("Reglas de auditoría")) throw new Error(`decided by: ${[...decididos]}`);
  // The finding filter (from the report) agrees.
  await page.selectOption("#auditorias-resultado", "");
  await esperarAuditorias(`de ${TOTAL}`);
  await page.selectOption("#auditorias-hallazgo", "email:faltante");
  await esperarAuditorias("1–20 de 50");
  await page.selectOption("#auditorias-hallazgo", "");
  await page.selectOption("#auditorias-resultado", "RECHAZADA");
  await esperarAuditorias("1–20 de 50");
  // A row's «Registro» opens that company's drawer; closing it returns there.
  const registro = filasAuditorias.nth(2).locator("td.registro a");
  const idAuditada = await registro.getAttribute("data-registro");
  await captura(page, "audits.png");
  await registro.click();
  await page.waitForSelector("dialog#detalle[open]", { timeout: 5000 });
  await page.waitForFunction((id) => {
    const dl = document.querySelector("#detalle-tecnico");
    return dl && dl.textContent.includes(id);
  }, idAuditada, { timeout: 15000 });
  const tituloDrawer = await page.locator("#detalle-titulo").textContent();
  if (!tituloDrawer.startsWith("Compañía: Empresa ")) throw new Error(`the audit opened ${tituloDrawer}`);
  if ((await page.locator("#detalle-estado").textContent()) !== "Rechazada") throw new Error("the audited company is not Rechazada");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 5000 });
  const vueltoAuditoria = await page.evaluate(() => document.activeElement.dataset && document.activeElement.dataset.registro);
  if (vueltoAuditoria !== idAuditada) throw new Error("the focus did not return to the audit's «Registro»");
  // By keyboard: Enter on the focused row opens its record too.
  await filasAuditorias.nth(2).focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog#detalle[open]", { timeout: 5000 });
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 5000 });
  await page.selectOption("#auditorias-resultado", "");
  await esperarAuditorias(`1–20 de ${TOTAL}`);

  // 100 rows a page, with their audits: the page's own measure.
  await page.click('nav a[data-vista="registros"]');
  await page.selectOption("#companias-estado", "");
  await esperarRango(`de ${TOTAL}`);
  await page.selectOption("#companias-tamano", "100");
  await esperarRango(`1–100 de ${TOTAL}`);
  const render = await page.$eval("#tabla-companias", (t) => ({ filas: Number(t.dataset.filas), ms: Number(t.dataset.renderMs) }));
  if (render.filas !== 100) throw new Error(`last render: ${JSON.stringify(render)}`);

  // Live: a new company's audit goes on top of the unfiltered first page...
  const crear = (nombre, email, identificacion) => page.evaluate(async (input) => {
    const res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idEntidad } }",
        variables: { input } }) });
    return (await res.json()).data.crearCompania.idEntidad;
  }, { nombre, email, identificacion });
  await page.click('nav a[data-vista="auditorias"]');
  await esperarAuditorias(`1–20 de ${TOTAL}`);
  const nueva = await crear("Empresa en vivo", "vivo@empresa.co", "900000900");
  await page.locator(`#tabla-auditorias tbody tr.nueva td.registro a[data-registro="${nueva}"]`).waitFor({ timeout: 15000 });
  await esperarAuditorias(`1–20 de ${TOTAL + 1}`);
  if ((await filasAuditorias.count()) !== 20) throw new Error("the audits page grew past its size");
  // ...and on a filtered page only offers a reload.
  await page.selectOption("#auditorias-resultado", "RECHAZADA");
  await esperarAuditorias("1–20 de 50");
  await crear("Empresa en vivo sin email", "", "900000901");
  await page.locator("#auditorias-cambios").waitFor({ state: "visible", timeout: 15000 });
  await page.click("#auditorias-cambios");
  await esperarAuditorias("1–20 de 51");
  return {
    total: TOTAL, distinct, paginas: paginas.length, render_ms: render.ms, filas: render.filas,
    explicacion: textoExplicacion, historial: historial.length, auditorias_total: auditoriasTotal,
  };
});
