// Views with addresses: a filter and an open record reach the URL; a
// reload restores both; Back closes the drawer, then goes to the previous
// view; an old address (#companias?estado=…) still works; the skip link
// reaches the content; the report's finding links to its records. Then at
// 390×844: rows are cards, nothing overflows sideways, the flagged email
// shows on screen; disabled buttons are drawn fainter than enabled ones;
// the text reaches AA contrast; nothing is requested from another origin.
// Screenshots rutas.png, telefono.png.
//   node rutas.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { argumentos, clienteGql, esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

const { url } = argumentos();

const gql = clienteGql(url);

const CREAR = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idEntidad } }";
const ids = [];
for (let i = 0; i < 6; i++) {
  // Every other one without an email: Rechazada by the rules.
  ids.push((await gql(CREAR, { input: { nombre: `Ruta ${i}`, email: i % 2 ? "" : `r${i}@empresa.co`,
    identificacion: `800${i}` } })).crearCompania.idEntidad);
}
for (let fin = Date.now() + 30000; ;) {
  const { companias } = await gql("{ companias(estado: RECHAZADA) { totalCount } }");
  if (companias.totalCount === 3) break;
  if (Date.now() > fin) throw new Error("the rules did not reject 3");
  await new Promise((r) => setTimeout(r, 250));
}

// Contrast of a color pair (WCAG 2): 4.5 is AA for body text.
function contraste(a, b) {
  const luz = (c) => {
    const [r, g, bl] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [l1, l2] = [luz(a), luz(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

await probar(async ({ browser, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1366, height: 900 } }));
  const hash = () => page.evaluate(() => decodeURIComponent(location.hash));
  // Nothing the page loads may come from elsewhere: such a request is
  // refused and counted.
  const origen = new URL(url).origin;
  const externas = [];
  await page.route("**/*", (route) => {
    const pedido = route.request().url();
    if (pedido.startsWith(origen) || pedido.startsWith("data:")) return route.continue();
    externas.push(pedido);
    return route.abort();
  });
  await page.goto(url);
  await esperarEnVivo(page);

  // The skip link is the first Tab stop and lands on the content.
  await page.keyboard.press("Tab");
  if ((await page.evaluate(() => document.activeElement.textContent)) !== "Saltar al contenido") throw new Error("no skip link first");
  await page.keyboard.press("Enter");
  if ((await page.evaluate(() => document.activeElement.id)) !== "contenido") throw new Error("the skip link does not reach the content");

  // A view and a filter reach the URL.
  await page.click('nav a[data-vista="registros"]');
  await esperarTexto(page, "#companias-rango", "de 6");
  await page.selectOption("#companias-estado", "RECHAZADA");
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  if (!(await hash()).startsWith("#/registros/companias?estado=RECHAZADA")) throw new Error(`the URL is ${await hash()}`);
  // The open record too.
  const fila = page.locator("#tabla-companias tbody tr[data-id]").first();
  const id = await fila.getAttribute("data-id");
  await fila.locator("a").click();
  await page.waitForSelector("dialog#detalle[open] #detalle-causa", { timeout: 15000 });
  if (!(await hash()).includes(`abierto=COMPANIA:${id}`)) throw new Error(`the open record is not in ${await hash()}`);
  await captura(page, "rutas.png");

  // A reload restores the filter, the page and the drawer.
  await page.reload();
  await esperarEnVivo(page);
  await page.waitForSelector("dialog#detalle[open] #detalle-causa", { timeout: 15000 });
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  if ((await page.inputValue("#companias-estado")) !== "RECHAZADA") throw new Error("the filter was not restored");
  if (!(await page.locator("#detalle-titulo").textContent()).startsWith("Compañía: Ruta")) throw new Error("another record opened");

  // Back closes the drawer (the filter stays), then goes to the previous view.
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 5000 });
  if ((await hash()) !== "#/registros/companias?estado=RECHAZADA") throw new Error(`after Back the URL is ${await hash()}`);
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  await page.goBack();
  await page.waitForFunction(() => location.hash.startsWith("#/revision"), null, { timeout: 5000 });
  if (!(await page.locator("#vista-revision").isVisible())) throw new Error("Back did not show the queue");

  // Closing the drawer by its button goes back too (no stale entry left).
  await page.goto(`${url}/#/registros/companias`);
  await esperarTexto(page, "#companias-rango", "de 6");
  await page.locator("#tabla-companias tbody tr[data-id]").first().locator("a").click();
  await page.waitForSelector("dialog#detalle[open] #detalle-causa", { timeout: 15000 });
  await page.click("#cerrar-detalle");
  await page.waitForFunction(() => !location.hash.includes("abierto"), null, { timeout: 5000 });

  // The address of the page before it had views.
  await page.goto(`${url}/#companias?estado=RECHAZADA`);
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  if ((await hash()) !== "#/registros/companias?estado=RECHAZADA") throw new Error(`the old address reads ${await hash()}`);

  // The report's finding links to its records.
  await page.click('nav a[data-vista="revision"]');
  const enlace = page.locator('#tabla-reporte a.ver-hallazgo[data-campo="email"][data-problema="faltante"]');
  await enlace.waitFor({ timeout: 15000 });
  if ((await enlace.textContent()) !== "Falta el email") throw new Error(`the finding reads ${await enlace.textContent()}`);
  await enlace.click();
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  if (!(await hash()).includes("hallazgo=email:faltante")) throw new Error(`the finding is not in ${await hash()}`);

  // Disabled buttons are fainter than enabled ones; text reaches AA.
  const pesos = await page.evaluate(() => ["#companias-anterior", 'button[type="submit"]'].map((s) => {
    const b = document.querySelector(s);
    const c = getComputedStyle(b);
    return { fondo: c.backgroundColor, borde: c.borderStyle, disabled: b.disabled };
  }));
  if (!pesos[0].disabled || pesos[0].borde !== "dashed") throw new Error(`a disabled button is drawn ${JSON.stringify(pesos[0])}`);
  await page.goto(`${url}/#/registros/companias`);
  await esperarTexto(page, "#companias-rango", "de 6");
  const pares = await page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
    const fondo = (n) => {
      for (let x = n; x; x = x.parentElement) {
        const c = rgb(getComputedStyle(x).backgroundColor);
        if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    return [...document.querySelectorAll(".vista:not([hidden]) td, .vista:not([hidden]) th, .nota, nav a, label, caption")]
      .filter((n) => n.offsetParent && n.textContent.trim())
      .map((n) => ({ texto: n.textContent.trim().slice(0, 30), color: rgb(getComputedStyle(n).color).slice(0, 3), fondo: fondo(n) }));
  });
  const pobres = pares.filter((p) => contraste(p.color, p.fondo) < 4.5);
  if (pobres.length) throw new Error(`below AA: ${JSON.stringify(pobres.slice(0, 3))}`);

  // 390 px: cards, no sideways overflow, the flagged email on screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${url}/#/registros/companias?estado=RECHAZADA`);
  await esperarTexto(page, "#companias-rango", "1–3 de 3");
  const ancho = await page.evaluate(() => document.documentElement.scrollWidth);
  if (ancho > 390) throw new Error(`the page is ${ancho} px wide at 390 px`);
  const tarjeta = await page.evaluate(() => {
    const tr = document.querySelector("#tabla-companias tbody tr[data-id]");
    const marcado = tr.querySelector("td.marcado");
    const caja = marcado.getBoundingClientRect();
    return { display: getComputedStyle(tr).display, derecha: caja.right, etiqueta: getComputedStyle(marcado, "::before").content };
  });
  if (tarjeta.display !== "block") throw new Error(`a row is ${tarjeta.display}, not a card`);
  if (tarjeta.derecha > 390) throw new Error(`the flagged email ends at ${tarjeta.derecha} px`);
  if (!tarjeta.etiqueta.includes("Email")) throw new Error(`the flagged cell is labelled ${tarjeta.etiqueta}`);
  await captura(page, "telefono.png", { fullPage: true });
  if (externas.length) throw new Error(`the page asked outside its origin: ${externas}`);
  return { contraste_revisados: pares.length, ancho_390: ancho, externas: externas.length };
});
