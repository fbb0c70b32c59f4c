// Validates the AsyncAPI document with the official parser (and its Avro
// schema parser, which reads every `vN.avsc` the messages reference):
//   node asyncapi.mjs PATH/asyncapi.yaml
// Exits 1 and prints the diagnostics when the document has an error.
import { Parser, fromFile } from "@asyncapi/parser";
import { AvroSchemaParser } from "@asyncapi/avro-schema-parser";

const path = process.argv[2];
const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());
const { document, diagnostics } = await fromFile(parser, path).parse();
const errores = diagnostics.filter((d) => d.severity === 0);
for (const d of errores) console.error(`${d.path.join(".")}: ${d.message}`);
if (!document || errores.length) {
  console.error(`${path}: ${errores.length} error(s)`);
  process.exit(1);
}
const canales = document.channels().length;
const mensajes = document.components().messages().length;
const operaciones = document.operations().length;
const avisos = diagnostics.filter((d) => d.severity === 1).length;
console.log(`${path}: valid AsyncAPI ${document.version()}: ${canales} channels, ${operaciones} operations, ${mensajes} messages, ${avisos} warnings`);
