// The operations view, reached by keyboard from the navigation: every
// service Listo, the dead letter the driver left (its topic and motivo),
// «Reintentar» for its topic and the outcome announced in the aria-live
// area; the Sagas block counts the driver's completed saga; then at
// 390x844 the page does not overflow sideways. Writes screenshots.
//   node operations.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, probar } from "./navegador.mjs";

await probar(async ({ browser, url, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1280, height: 1000 } }));
  await page.goto(url);
  await esperarEnVivo(page);

  // Keyboard: focus the «Operaciones» link and follow it.
  await page.focus('nav a[href="#operaciones"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => location.hash === "#operaciones", null, { timeout: 5000 });

  // Every service answers; a slow start gets a few «Actualizar»s.
  const servicios = page.locator("#tabla-servicios tbody tr");
  let estados = [];
  for (let i = 0; i < 15; i++) {
    await servicios.first().waitFor({ timeout: 15000 });
    estados = await page.locator("#tabla-servicios tbody .badge").allTextContents();
    if (estados.length && estados.every((e) => e === "Listo")) break;
    await page.waitForTimeout(1000);
    await page.click("#actualizar-operaciones");
  }
  if (!estados.length || estados.some((e) => e !== "Listo")) throw new Error(`service states: ${estados}`);

  // The sagas by state: the driver's data has a completed one.
  const completadas = page.locator('#tabla-sagas-estados tbody tr[data-estado="completada"]');
  await page.waitForFunction(() => {
    const aviso = document.getElementById("sagas-aviso");
    return (aviso && !aviso.hidden) || document.querySelector('#tabla-sagas-estados tbody tr[data-estado="completada"]');
  }, null, { timeout: 15000 });
  if (await page.locator("#sagas-aviso").isVisible()) throw new Error(`sagas: ${await page.locator("#sagas-aviso").textContent()}`);
  const etiqueta = (await completadas.locator("th").textContent()).trim();
  const sagasCompletadas = Number((await completadas.locator("td.num").textContent()).replace(/\D/g, ""));
  if (etiqueta !== "Completada" || !(sagasCompletadas >= 1)) throw new Error(`sagas: ${etiqueta} ${sagasCompletadas}`);
  const estadosSaga = await page.locator("#tabla-sagas-estados tbody th").allTextContents();
  for (const e of ["Pendiente o en curso", "Completada", "Compensada", "Fallida"]) {
    if (!estadosSaga.includes(e)) throw new Error(`the sagas by state lack ${e}: ${estadosSaga}`);
  }

  // The dead letter, with its topic and reason.
  const carta = page.locator("#tabla-cartas-muertas tr.carta").first();
  await carta.waitFor({ timeout: 15000 });
  const topic = await carta.getAttribute("data-topic");
  const motivo = (await carta.locator("td.motivo").textContent()).trim();
  if (!topic || !motivo || motivo === "—") throw new Error(`dead letter without topic or motivo: ${topic} ${motivo}`);
  console.log(`dead letter on ${topic}: ${motivo}`);

  const boton = page.locator(`#tabla-cartas-muertas button.reintentar[data-topic="${topic}"]`);
  if (!(await boton.isVisible())) throw new Error("«Reintentar» is hidden from anonymous local use");
  await captura(page, "operations.png", { fullPage: true });
  await boton.click();
  await page.waitForSelector("#anuncio-operaciones:has-text('Reintento')", { timeout: 30000 });
  const anuncio = (await page.locator("#anuncio-operaciones").textContent()).trim();
  if ((await page.getAttribute("#anuncio-operaciones", "aria-live")) !== "polite") throw new Error("the announcement is not aria-live");
  await captura(page, "operations-reintento.png", { fullPage: true });

  // 390 px wide: one column, tables scroll inside themselves.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await esperarEnVivo(page);
  await servicios.first().waitFor({ timeout: 15000 });
  const ancho = await page.evaluate(() => document.documentElement.scrollWidth);
  if (ancho > 390) throw new Error(`the page is ${ancho} px wide at 390 px`);
  await captura(page.locator("#operaciones"), "operations-390px.png");
  return { topic, motivo, anuncio, servicios: estados.length, sagas_completadas: sagasCompletadas, ancho_390: ancho };
});
