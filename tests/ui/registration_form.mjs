// Registers a property whose latitud is out of range through the form and
// follows the saga on the page: its steps (collapsed under a summary)
// appear as they happen, and it ends compensada naming the part that
// failed. The form keeps what was typed, the cause on the latitud field;
// corrected, the same form registers it. Writes screenshots.
//   node registration_form.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

await probar(async ({ browser, url, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1200, height: 1100 } }));
  await page.goto(`${url}/#/registrar`);
  await esperarEnVivo(page);
  // The company the property belongs to (NIT 900100), approved.
  await page.evaluate(async () => {
    const q = (query, variables) => fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }) }).then((r) => r.json());
    const { data } = await q("mutation($i: CrearCompaniaInput!) { crearCompania(input: $i) { idEntidad } }",
      { i: { nombre: "Dueña del lote", email: "duena@lotes.co", identificacion: "900100" } });
    for (let i = 0; i < 120; i++) {
      const r = await q("query($id: ID!) { compania(id: $id) { estado } }", { id: data.crearCompania.idEntidad });
      if (r.data.compania && r.data.compania.estado === "APROBADA") return;
      await new Promise((listo) => setTimeout(listo, 250));
    }
    throw new Error("the owner company was not approved");
  });
  const nombre = `Lote UI ${Date.now()}`;
  const catastral = `CAT-UI-${Date.now()}`;
  await page.fill("#registro-nombre", nombre);
  await page.fill("#registro-catastral", catastral);
  await page.fill("#registro-nit", "900100");
  await page.fill("#registro-latitud", "146.2");
  await page.fill("#registro-longitud", "-74.08");
  await page.click("#registrar-propiedad");
  await page.waitForSelector("#status-registro:text-matches('aceptado|falló')", { timeout: 15000 });
  await page.waitForSelector("#registro-estado.compensada", { timeout: 60000 });
  const motivo = await page.locator("#registro-motivo").textContent();
  if (!motivo.includes("datos geográficos: latitud fuera de rango")) throw new Error(`motivo was ${JSON.stringify(motivo)}`);
  const pasos = await page.locator("#registro-pasos li").allTextContents();
  for (const want of ["Crear la propiedad", "Crear sus datos geográficos", "Auditoría y decisión"]) {
    if (!pasos.some((p) => p.startsWith(want))) throw new Error(`no step ${want} in ${JSON.stringify(pasos)}`);
  }
  if (await page.locator("#registro-pasos").isVisible()) throw new Error("the step log is not collapsed under its summary");

  // The values stay; the cause is on the latitud field, in words.
  const valores = await page.evaluate(() => ["registro-nombre", "registro-catastral", "registro-nit", "registro-latitud"]
    .map((id) => document.getElementById(id).value));
  if (JSON.stringify(valores) !== JSON.stringify([nombre, catastral, "900100", "146.2"])) throw new Error(`the form emptied: ${valores}`);
  if ((await page.getAttribute("#registro-latitud", "aria-invalid")) !== "true") throw new Error("the latitud is not marked");
  const enCampo = await page.locator("#registro-latitud-error").textContent();
  if (enCampo !== "Latitud 146,2: debe estar entre −90 y 90") throw new Error(`the field's error reads ${JSON.stringify(enCampo)}`);
  if ((await page.getAttribute("#registro-latitud", "aria-describedby")) !== "registro-latitud-error") throw new Error("not described");
  await esperarTexto(page, "#status-registro", "compensada");
  const shot = await captura(page, "registro-compensado.png", { fullPage: true });

  // The record shows Rechazada, and its drawer says the registration was undone.
  await page.click('nav a[data-vista="registros"]');
  await page.click('.subnav a[data-sub="propiedades"]');
  const row = page.locator("#tabla-propiedades tbody tr", { hasText: nombre });
  await row.locator("td.estado:has-text('Rechazada')").waitFor({ timeout: 30000 });
  await row.locator("a").click();
  await esperarTexto(page, "#detalle-causa", "Registro deshecho");
  if (await page.locator("#revision-reabrir").count()) throw new Error("an undone registration offers «Reabrir»");
  await page.keyboard.press("Escape");

  // Corrected and sent again from the same form: registered, the form empties.
  await page.click('nav a[data-vista="registrar"]');
  await page.fill("#registro-catastral", `${catastral}-2`);
  await page.fill("#registro-latitud", "4.61");
  await page.click("#registrar-propiedad");
  if (await page.getAttribute("#registro-latitud", "aria-invalid")) throw new Error("the old error outlived the new submission");
  await page.waitForSelector("#registro-estado.completada", { timeout: 60000 });
  await esperarTexto(page, "#registro-resultado", "Registrada");
  if (await page.inputValue("#registro-nombre")) throw new Error("a completed registration left the form filled");

  // A blank required field is refused on the page, named, and nothing is sent.
  await page.click("#registrar-propiedad");
  await page.waitForSelector("#status-registro.error:has-text('obligatorio')", { timeout: 5000 });
  if ((await page.getAttribute("#registro-nombre", "aria-invalid")) !== "true") throw new Error("the field is not marked");
  // 390 px wide: one column, no horizontal page overflow.
  await page.setViewportSize({ width: 390, height: 900 });
  await page.reload();
  await esperarEnVivo(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the page overflows by ${overflow} px at 390 px`);
  await captura(page, "registro-390px.png", { fullPage: true });
  return { nombre, motivo, pasos, en_campo: enCampo, screenshot: shot };
});
