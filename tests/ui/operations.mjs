// The operator's dashboard, reached by keyboard from the navigation: every
// service Listo; the health banner Degradado, naming the two dead letters
// the driver left; one letter expanded (its error and the message decoded)
// and retried alone, its outcome beside it; another discarded with a
// written reason (who and why listed); the topic's retry asking first how
// many it will touch; the banner back to Sano; a burst of 30 companies showing in the
// messages chart within one refresh; the Sagas block counting the driver's
// completed saga; at 390x844 nothing overflows sideways. Screenshots.
//   node operations.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, probar } from "./navegador.mjs";

await probar(async ({ browser, url, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1280, height: 1000 } }));
  await page.goto(url);
  await esperarEnVivo(page);

  // Keyboard: focus the «Operaciones» link and follow it.
  await page.focus('nav a[href="#/operaciones"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => location.hash === "#/operaciones", null, { timeout: 5000 });

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

  // Three dead letters: the banner says Degradado and why.
  await page.waitForFunction(() => document.querySelectorAll("#tabla-cartas-muertas tr.carta").length === 3, null, { timeout: 15000 });
  await page.waitForSelector('#salud[data-nivel="degradado"]', { timeout: 15000 });
  const porque = await page.locator("#salud-motivos").textContent();
  if (!porque.includes("3 cartas muertas")) throw new Error(`the banner says ${porque}`);
  const carta = page.locator("#tabla-cartas-muertas tr.carta").first();
  const topic = await carta.getAttribute("data-topic");
  const id = await carta.getAttribute("data-id");
  const motivo = (await carta.locator("td.motivo").textContent()).trim();
  if (!topic || !motivo || motivo === "—") throw new Error(`dead letter without topic or motivo: ${topic} ${motivo}`);
  console.error(`dead letter on ${topic}: ${motivo}`);
  // Inspected: the row opens with the whole error.
  await carta.locator("button.ver-carta").click();
  const detalle = page.locator(`#tabla-cartas-muertas tr.carta-detalle .error-completo`).first();
  await detalle.waitFor({ state: "visible", timeout: 5000 });
  if ((await detalle.textContent()) !== motivo) throw new Error("the expanded letter does not show its error");
  const contenido = JSON.parse(await page.locator("#tabla-cartas-muertas tr.carta-detalle pre.contenido").first().textContent());
  if (contenido.type !== "RechazarCompania" || !contenido.data) throw new Error(`the letter decodes as ${JSON.stringify(contenido)}`);
  await captura(page, "operations.png", { fullPage: true });

  // Retried alone: the outcome next to it, one letter left.
  const una = carta.locator("button.reintentar-una");
  if (!(await una.isVisible())) throw new Error("«Reintentar» is hidden from anonymous local use");
  await una.click();
  await page.waitForFunction(() => document.querySelectorAll("#tabla-cartas-muertas tr.carta").length === 2, null, { timeout: 30000 });
  await page.waitForSelector("#anuncio-operaciones:has-text('1 aplicada')", { timeout: 30000 });
  const anuncioUna = (await page.locator("#anuncio-operaciones").textContent()).trim();
  if (!anuncioUna.includes(id.slice(-8))) throw new Error(`the outcome does not name the letter: ${anuncioUna}`);

  // Another discarded: a reason is required, then who and why are listed.
  const otra = page.locator("#tabla-cartas-muertas tr.carta").first();
  const idOtra = await otra.getAttribute("data-id");
  await otra.locator("button.descartar").click();
  const formulario = page.locator("#tabla-cartas-muertas tr.carta-detalle:not([hidden]) .descarte");
  await formulario.locator("button.confirmar-descarte").click();
  await formulario.locator("textarea[aria-invalid='true']").waitFor({ timeout: 5000 });
  await formulario.locator("textarea").fill("Duplicada de un rechazo ya aplicado");
  await formulario.locator("button.confirmar-descarte").click();
  const descartada = page.locator(`#tabla-descartadas tr[data-id="${idOtra}"]`);
  await descartada.waitFor({ timeout: 15000 });
  const quien = (await descartada.locator("td.quien").textContent()).trim();
  const razon = (await descartada.locator("td.razon").textContent()).trim();
  if (quien !== "local (sin sesión)" || razon !== "Duplicada de un rechazo ya aplicado") throw new Error(`discarded: ${quien} ${razon}`);
  await page.waitForFunction(() => document.querySelectorAll("#tabla-cartas-muertas tr.carta").length === 1, null, { timeout: 15000 });

  // The topic's retry asks first, with the count.
  const boton = page.locator(`#tabla-cartas-muertas button.reintentar[data-topic="${topic}"]`);
  await boton.click();
  const pregunta = (await page.locator("#tabla-cartas-muertas .confirmar").textContent()).trim();
  if (!pregunta.includes("¿Reintentar 1 carta")) throw new Error(`the confirmation reads ${pregunta}`);
  await page.click("#tabla-cartas-muertas button.confirmar-si");
  await page.waitForSelector("#anuncio-operaciones:has-text('Reintento')", { timeout: 30000 });
  const anuncio = (await page.locator("#anuncio-operaciones").textContent()).trim();
  if ((await page.getAttribute("#anuncio-operaciones", "aria-live")) !== "polite") throw new Error("the announcement is not aria-live");
  await page.waitForSelector("#sin-cartas:not([hidden])", { timeout: 15000 });
  await page.waitForSelector('#salud[data-nivel="sano"]', { timeout: 15000 });
  await captura(page, "operations-reintento.png", { fullPage: true });

  // A burst shows in the messages chart within one refresh (5 s).
  const texto = () => page.locator("#grafico-mensajes-texto").textContent();
  await page.waitForFunction(() => document.querySelector("#grafico-mensajes polyline"), null, { timeout: 15000 });
  await page.evaluate(async () => {
    const mutacion = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idEntidad } }";
    await Promise.all(Array.from({ length: 30 }, (_, i) => fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: mutacion, variables: { input: { nombre: `Ráfaga ${i}`, email: `r${i}@x.co`, identificacion: `77${i}` } } }) })));
  });
  const desde = Date.now();
  await page.waitForFunction(() => /companias: ahora [^;]*\(máximo [1-9]/.test(document.getElementById("grafico-mensajes-texto").textContent),
    null, { timeout: 12000 });
  const rafaga = { texto: await texto(), segundos: (Date.now() - desde) / 1000 };
  await captura(page.locator("#graficos-operaciones"), "operations-graficos.png");

  // 390 px wide: one column, tables scroll inside themselves.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await esperarEnVivo(page);
  await servicios.first().waitFor({ timeout: 15000 });
  const ancho = await page.evaluate(() => document.documentElement.scrollWidth);
  if (ancho > 390) throw new Error(`the page is ${ancho} px wide at 390 px`);
  await captura(page.locator("#operaciones"), "operations-390px.png");
  return { topic, motivo, anuncio, anuncioUna, pregunta, descartada: { quien, razon }, rafaga, servicios: estados.length, sagas_completadas: sagasCompletadas,
    ancho_390: ancho };
});
