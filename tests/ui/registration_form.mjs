// Registers a property whose latitud is out of range through the form and
// follows the saga on the page: its steps appear as they happen, and it
// ends compensada naming the part that failed. Writes a screenshot.
//   node registration_form.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, probar } from "./navegador.mjs";

await probar(async ({ browser, url, captura }) => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(url);
  await esperarEnVivo(page);
  const nombre = `Lote UI ${Date.now()}`;
  await page.fill("#registro-nombre", nombre);
  await page.fill("#registro-catastral", `CAT-UI-${Date.now()}`);
  await page.fill("#registro-nit", "900100");
  await page.fill("#registro-latitud", "95");
  await page.fill("#registro-longitud", "-74.08");
  await page.click("#registrar-propiedad");
  await page.waitForSelector("#status-registro:text-matches('aceptado|fallido')", { timeout: 15000 });
  await page.waitForSelector("#registro-estado.compensada", { timeout: 60000 });
  const motivo = await page.locator("#registro-motivo").textContent();
  if (!motivo.includes("datos geográficos: latitud fuera_de_rango")) throw new Error(`motivo was ${JSON.stringify(motivo)}`);
  const pasos = await page.locator("#registro-pasos li").allTextContents();
  for (const want of ["Crear la propiedad", "Crear sus datos geográficos", "Auditoría y decisión"]) {
    if (!pasos.some((p) => p.startsWith(want))) throw new Error(`no step ${want} in ${JSON.stringify(pasos)}`);
  }
  const row = page.locator("#tabla-propiedades tbody tr", { hasText: nombre });
  await row.locator("td.estado:has-text('Rechazada')").waitFor({ timeout: 30000 });
  // The command followed to its end: a compensated registration failed,
  // with its cause.
  await page.waitForSelector("#status-registro.error:has-text('fallido'):has-text('compensada')", { timeout: 15000 });
  const shot = await captura(page, "registro-compensado.png", { fullPage: true });
  // A blank required field is refused on the page, named, and nothing is sent.
  await page.click("#registrar-propiedad");
  await page.waitForSelector("#status-registro.error:has-text('obligatorio')", { timeout: 5000 });
  if ((await page.getAttribute("#registro-nombre", "aria-invalid")) !== "true") throw new Error("the field is not marked");
  // 390 px wide: one column, no horizontal page overflow (tables scroll).
  await page.setViewportSize({ width: 390, height: 900 });
  await page.reload();
  await esperarEnVivo(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the page overflows by ${overflow} px at 390 px`);
  await captura(page, "registro-390px.png", { fullPage: true });
  return { nombre, motivo, pasos, screenshot: shot };
});
