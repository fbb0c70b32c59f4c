// The review queue, worked as a reviewer would: 20 companies whose email
// the audit left to a person (EN_REVISION) are cleared with the keyboard
// alone — Tab to the first row, Enter, the reason typed once, Ctrl+Enter,
// then A for each next one — while the pager never reads a range past its
// total; the keystrokes and the time are printed. Then 5 more arrive live
// and are rejected together with one shared reason, each its own command
// and audit entry. Writes screenshots cola.png and cola-lote.png.
//   node cola.mjs http://127.0.0.1:PORT OUTPUT_DIR
import { argumentos, clienteGql, esperarEnVivo, esperarTexto, probar } from "./navegador.mjs";

const { url } = argumentos();

const gql = clienteGql(url);

const CREAR = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idEntidad } }";
const sello = Date.now() % 100000;
// An email without a domain: formato_invalido, which the rules leave to a person.
const crear = (i, prefijo) => gql(CREAR, { input: { nombre: `${prefijo} ${String(i).padStart(2, "0")}`,
  email: `ventas${i}.andes`, identificacion: `9${sello}${i}` } }).then((d) => d.crearCompania.idEntidad);

async function estados(ids) {
  const q = `{ ${ids.map((id, i) => `c${i}: compania(id: "${id}") { estado auditoria { motivo revisor } }`).join(" ")} }`;
  return Object.values(await gql(q));
}

async function esperarEstados(ids, estado, ms = 60000) {
  const fin = Date.now() + ms;
  let vistos = [];
  while (Date.now() < fin) {
    vistos = await estados(ids);
    if (vistos.every((c) => c && c.estado === estado)) return vistos;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`not all ${estado}: ${JSON.stringify(vistos.map((c) => c && c.estado))}`);
}

const ids = [];
for (let i = 0; i < 20; i++) ids.push(await crear(i, "Cola"));
await esperarEstados(ids, "EN_REVISION");

await probar(async ({ browser, vigilar, captura }) => {
  const page = vigilar(await browser.newPage({ viewport: { width: 1366, height: 900 } }));
  // Every range the queue's pager showed: none may pass its total.
  await page.goto(url);
  await esperarEnVivo(page);
  if (!(await page.evaluate(() => location.hash)).startsWith("#/revision")) throw new Error("the landing is not the queue");
  await esperarTexto(page, "#h-cola", "(20)");
  await esperarTexto(page, "#cola-rango", "Mostrando 1–20 de 20");
  await captura(page, "cola.png");
  await page.evaluate(() => {
    window.rangos = [];
    const rango = document.getElementById("cola-rango");
    new MutationObserver(() => window.rangos.push(rango.textContent)).observe(rango, { childList: true, characterData: true, subtree: true });
  });

  // Keyboard only: Tab from the top of the page to the queue's first row.
  let teclas = 0;
  const pulsar = async (tecla) => {
    teclas += 1;
    await page.keyboard.press(tecla);
  };
  const inicio = Date.now();
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  for (let i = 0; i < 40; i++) {
    await pulsar("Tab");
    const enFila = await page.evaluate(() => document.activeElement.matches("#tabla-cola tbody tr[data-id]"));
    if (enFila) break;
  }
  const primera = await page.evaluate(() => document.activeElement.dataset.id);
  if (primera !== ids[0]) throw new Error(`the first row is ${primera}, not the oldest record ${ids[0]}`);
  await pulsar("Enter");
  await page.waitForSelector("dialog#detalle[open] #revision-motivo", { timeout: 15000 });
  // Tab from the drawer's title to the reason; typed once; Ctrl+Enter.
  for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement.id === "revision-motivo")); i++) await pulsar("Tab");
  const motivo = `Dominio verificado por teléfono ${sello}`;
  await page.keyboard.type(motivo);
  teclas += motivo.length;
  const abierto = () => page.evaluate(() => new URLSearchParams(location.hash.split("?")[1] || "").get("abierto"));
  let anterior = await abierto();
  await pulsar("Control+Enter");
  // Each next record opens with the focus on its title: A approves it.
  for (let n = 1; n < 20; n++) {
    await page.waitForFunction((antes) => {
      const actual = new URLSearchParams(location.hash.split("?")[1] || "").get("abierto");
      return document.getElementById("detalle").open && actual && actual !== antes
        && document.querySelector("#revision-aprobar:enabled");
    }, anterior, { timeout: 15000 });
    anterior = await abierto();
    if ((await page.inputValue("#revision-motivo")) !== motivo) throw new Error("the reason was not kept for the next record");
    await pulsar("a");
  }
  await page.waitForFunction(() => !document.getElementById("detalle").open, null, { timeout: 15000 });
  const segundos = (Date.now() - inicio) / 1000;
  await esperarTexto(page, "#cola-rango", "Sin pendientes (0)", 30000);
  await esperarTexto(page, "#h-cola", "(0)");
  const rangos = await page.evaluate(() => window.rangos);
  for (const r of rangos) {
    const m = /–([\d.]+) de ([\d.]+)/.exec(r);
    if (m && Number(m[1].replaceAll(".", "")) > Number(m[2].replaceAll(".", ""))) throw new Error(`the pager read ${r}`);
  }
  const decididas = await esperarEstados(ids, "APROBADA");
  if (decididas.some((c) => c.auditoria.motivo !== motivo)) throw new Error("an approval lost its reason");
  const lineas = await page.locator("#cola-decisiones li").count();
  if (lineas !== 20) throw new Error(`${lineas} lines in «Decisiones», not 20`);
  const deshacer = await page.locator("#cola-decisiones li a.deshacer").count();
  if (deshacer !== 20) throw new Error("a decision has no undo link");
  console.error(`cleared 20 by keyboard: ${teclas} keystrokes, ${segundos.toFixed(1)} s`);

  // Five more arrive while the page is open: rejected together.
  const lote = [];
  for (let i = 0; i < 5; i++) lote.push(await crear(i, "Lote"));
  await esperarTexto(page, "#h-cola", "(5)", 30000);
  await page.check("#cola-todos");
  await esperarTexto(page, "#cola-rechazar", "Rechazar 5 seleccionados");
  await page.click("#cola-rechazar");
  await page.waitForSelector("#cola-motivo[aria-invalid='true']", { timeout: 5000 }); // no reason: refused on the field
  const razon = `Sin dominio propio ${sello}`;
  await page.fill("#cola-motivo", razon);
  await page.click("#cola-rechazar");
  await esperarTexto(page, "#cola-status", "5 decisiones enviadas");
  await esperarTexto(page, "#h-cola", "(0)", 30000);
  const rechazadas = await esperarEstados(lote, "RECHAZADA");
  if (rechazadas.some((c) => c.auditoria.motivo !== razon)) throw new Error("a bulk rejection lost its reason");
  await captura(page, "cola-lote.png");
  return { teclas, segundos: Math.round(segundos * 10) / 10, aprobadas: 20, rechazadas: 5, rangos: rangos.length };
});
