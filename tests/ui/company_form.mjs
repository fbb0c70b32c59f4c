// Fills the company form with a blank email, submits it, follows its
// command to «procesado», then finds the row Rechazada with "Falta el
// email" and the optional country and phone — pushed by the subscription,
// without a reload (the views change by their addresses). Screenshot.
//   node company_form.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, probar } from "./navegador.mjs";

await probar(async ({ browser, url, captura }) => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${url}/#/registros/companias`);
  await esperarEnVivo(page);
  await page.evaluate(() => { window.sinRecargar = true; });
  await page.click('nav a[data-vista="registrar"]');
  const nombre = `Inmobiliaria UI ${Date.now()}`;
  await page.fill("#compania-nombre", nombre);
  await page.fill("#compania-email", "");
  await page.fill("#compania-identificacion", "900777");
  await page.fill("#compania-pais", "CO");
  await page.fill("#compania-telefono", "+57 601 555 0101");
  await page.click("#crear-compania");
  // Accepted at once, then followed to PROCESADO.
  await page.waitForSelector("#status-compania:has-text('procesado')", { timeout: 30000 });

  await page.click('nav a[data-vista="registros"]');
  const row = page.locator("#tabla-companias tbody tr", { hasText: nombre });
  await row.locator("td.estado:has-text('Pendiente'), td.estado:has-text('Rechazada')").first().waitFor({ timeout: 15000 });
  await row.locator("td.estado:has-text('Rechazada')").waitFor({ timeout: 30000 });
  const motivos = await row.locator("td.hallazgos").textContent();
  if (!motivos.includes("Falta el email")) throw new Error(`motivos were ${JSON.stringify(motivos)}`);
  // The v2 fields went UI → GraphQL → command → companias → event → projection.
  const cells = await row.locator("td").allTextContents();
  if (!cells.includes("CO") || !cells.includes("+57 601 555 0101")) throw new Error(`row cells were ${JSON.stringify(cells)}`);
  if (!(await page.evaluate(() => window.sinRecargar))) throw new Error("the page reloaded");
  await page.click('nav a[data-vista="revision"]');
  await page.waitForSelector("#tabla-reporte a:has-text('Falta el email')", { timeout: 15000 });
  const shot = await captura(page, "company-rechazada.png", { fullPage: true });
  return { nombre, motivos, screenshot: shot };
});
