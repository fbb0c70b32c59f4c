// Signing in on a server that allows anonymous local use: the header says
// "Acceso local"; «Entrar como auditor» shows "Rol: auditor" and hides the
// registration forms (an auditor cannot "crear"), and the session survives
// a reload; «Salir» goes back to local access; «Entrar como operador»
// shows the forms again. A token in ?token= signs in too, and a token the
// server refuses opens the sign-in panel with a Spanish message. Writes a
// screenshot.
//   node sign_in.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

await probar(async ({ browser, url, vigilar, captura }) => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Uncaught exceptions only, as this test has always watched: its
  // console lines never failed it.
  const page = vigilar(await context.newPage(), { consola: false });
  const sesion = page.locator("#sesion-estado");
  const esperarSesion = (texto) => esperarTexto(page, "#sesion-estado", texto);
  // Opens the sign-in panel (if closed) and enters with a development role.
  const entrarComo = async (rol) => {
    if (await page.locator("#panel-sesion").isHidden()) await page.click("#boton-sesion");
    await page.click(`#entrar-${rol}`);
    await esperarSesion(`Rol: ${rol}`);
  };

  await page.goto(`${url}/#/registrar`);
  await esperarEnVivo(page);
  await esperarSesion("Acceso local");
  if (!(await page.locator("#form-compania").isVisible())) throw new Error("anonymous local use must show the forms");
  if (await page.locator("#salir").isVisible()) throw new Error("«Salir» shows without a session");

  await entrarComo("auditor");
  await page.waitForSelector("#form-compania", { state: "hidden", timeout: 5000 });
  if (await page.locator("#form-registro").isVisible()) throw new Error("the property form shows to an auditor");
  const guardado = await page.evaluate(() => localStorage.getItem("propalpes.token"));
  if (!guardado) throw new Error("the token is not in localStorage propalpes.token");
  // The live connection came back with the new token, and the data still loads.
  await esperarEnVivo(page);
  await page.waitForSelector("#cola-rango:text-matches('Mostrando|Sin pendientes')", { state: "attached", timeout: 15000 });
  if (await page.locator('nav a[data-vista="registrar"]').isVisible()) throw new Error("«Registrar» shows to an auditor");
  if (await page.locator("#panel-sesion").isVisible()) throw new Error("the sign-in panel stayed open");
  await captura(page, "sign_in.png");
  // The session outlives a reload.
  await page.reload();
  await esperarSesion("Rol: auditor");
  await page.waitForSelector("#form-compania", { state: "hidden", timeout: 5000 });

  await page.click("#salir");
  await esperarSesion("Acceso local");
  await page.waitForSelector("#form-compania", { state: "visible", timeout: 5000 });
  if (await page.evaluate(() => localStorage.getItem("propalpes.token"))) throw new Error("«Salir» left the token stored");

  await entrarComo("operador");
  await page.waitForSelector("#form-compania", { state: "visible", timeout: 5000 });
  const operador = await page.evaluate(() => localStorage.getItem("propalpes.token"));

  // ?token= (in a fresh context, nothing stored).
  const otra = vigilar(await browser.newPage(), { consola: false });
  await otra.goto(`${url}/?token=${encodeURIComponent(operador)}`);
  await esperarTexto(otra, "#sesion-estado", "Rol: operador");
  // A token the server refuses: the panel opens and says so in Spanish.
  await otra.goto(`${url}/?token=no-es-un-token`);
  await otra.waitForSelector("#panel-sesion", { state: "visible", timeout: 15000 });
  const aviso = await otra.locator("#sesion-mensaje").textContent();
  if (!/sesión/i.test(aviso)) throw new Error(`the refused token's message reads ${JSON.stringify(aviso)}`);
  await otra.close();

  return { rol: (await sesion.textContent()).trim(), aviso };
});
