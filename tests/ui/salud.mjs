// The health banner follows a real outage: the driver (tests/it/web_ui.rs)
// has made auditoria's database refuse connections and sent a company, so
// auditoria's consumer pauses to wait it out. The dashboard turns
// Degradado within a refresh, naming the paused consumer and marking its
// cell; the script then writes OUTPUT_DIR/salud-degradado, the driver
// lets the database back, and the banner returns to Sano on its own (no
// click: the view refreshes itself, saying how long ago). Screenshots.
//   node salud.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { esperarEnVivo, probar } from "./navegador.mjs";

await probar(async ({ browser, url, outDir, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1366, height: 900 } }), { consola: false });
  await page.goto(`${url}/#/operaciones`);
  await esperarEnVivo(page);
  const desde = Date.now();
  // Degradado at once (auditoria's readiness fails with its database),
  // and naming the paused consumer once it has met the outage.
  await page.waitForSelector('#salud[data-nivel="degradado"]', { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById("salud").dataset.nivel === "degradado"
    && document.getElementById("salud-motivos").textContent.includes("consumidor pausado"), null, { timeout: 90000 });
  const motivos = await page.locator("#salud-motivos").textContent();
  const celda = page.locator('#tabla-consumidores tr[data-pausado="true"] td.alerta');
  if (!(await celda.count())) throw new Error("the paused consumer's cell is not highlighted");
  const degradado = (Date.now() - desde) / 1000;
  await captura(page, "salud-degradado.png");
  writeFileSync(join(outDir, "salud-degradado"), "1");
  const vuelta = Date.now();
  await page.waitForSelector('#salud[data-nivel="sano"]', { timeout: 90000 });
  const edad = await page.locator("#actualizado").textContent();
  if (!/actualizado hace \d+ s/.test(edad)) throw new Error(`the refresh age reads ${edad}`);
  await captura(page, "salud-sano.png");
  return { motivos, degradado_s: degradado, sano_s: (Date.now() - vuelta) / 1000 };
});
