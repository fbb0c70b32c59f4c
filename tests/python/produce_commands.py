#!/usr/bin/env python3
"""Feeds PropAlpes from Python starting from its AsyncAPI document alone.

Reads asyncapi.yaml (the repository's root): for each command it sends, the
channel's address, the message's Avro payload schema (the `vN.avsc` the
document references) and the properties it must carry (`schema.version`,
`type`); declares that schema with the client's public API
(`AvroSchema(None, schema_definition=...)`) and sends the envelope as a
dict. Then it reads the events the services publish, decoding each with the
version it was written with, resolved to the current one.

    produce_commands.py --url pulsar://127.0.0.1:6650 --namespace default

Prints one JSON line per event it saw and exits 0 once the three records were
created and decided by the audit (non-zero on timeout).
"""
import argparse
import io
import json
import pathlib
import sys
import time
import uuid

import fastavro
import pulsar
import yaml
from pulsar.schema import AvroSchema

DOCUMENT = pathlib.Path(__file__).resolve().parents[2] / "asyncapi.yaml"


class Contract:
    """What the AsyncAPI document says about a topic and its messages."""

    def __init__(self, path):
        self.path = path
        self.doc = yaml.safe_load(path.read_text())

    def message(self, topic, kind):
        ref = self.doc["channels"][topic]["messages"][kind]["$ref"]
        return self.doc["components"]["messages"][ref.rsplit("/", 1)[-1]]

    def address(self, topic, tenant, namespace):
        return self.doc["channels"][topic]["address"].format(tenant=tenant, namespace=namespace)

    def definition(self, topic, kind):
        """The message's Avro schema (the file the document references)."""
        ref = self.message(topic, kind)["payload"]["schema"]["$ref"]
        return json.loads((self.path.parent / ref).read_text())

    def properties(self, topic, kind):
        headers = self.message(topic, kind)["headers"]["properties"]
        return {name: spec["const"] for name, spec in headers.items() if "const" in spec}

    def version_file(self, topic, version):
        """Another version of a topic's schema, beside the current one."""
        any_kind = next(iter(self.doc["channels"][topic]["messages"]))
        ref = self.message(topic, any_kind)["payload"]["schema"]["$ref"]
        return json.loads((self.path.parent / ref).with_name(f"v{version}.avsc").read_text())

    def current_version(self, topic):
        any_kind = next(iter(self.doc["channels"][topic]["messages"]))
        return int(self.properties(topic, any_kind)["schema.version"])


def envelope(definition, kind, data):
    """An envelope whose `data` is the union branch `kind`."""
    namespace = definition["namespace"]
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "specversion": "1.0",
        "source": "python-producer",
        "time": int(time.time() * 1000),
        "correlation_id": str(uuid.uuid4()),
        "causation_id": None,
        "datacontenttype": "application/avro",
        "data": (f"{namespace}.{kind}", data),
    }


def decode(contract, topic, message):
    """Reads an event written with any version, as the current reader."""
    written_with = int(message.properties().get("schema.version", "1"))
    return fastavro.schemaless_reader(
        io.BytesIO(message.data()),
        fastavro.parse_schema(contract.version_file(topic, written_with)),
        fastavro.parse_schema(contract.version_file(topic, contract.current_version(topic))),
        return_record_name=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--tenant", default="public")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--asyncapi", default=str(DOCUMENT))
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()
    contract = Contract(pathlib.Path(args.asyncapi))
    address = lambda topic: contract.address(topic, args.tenant, args.namespace)

    client = pulsar.Client(args.url)
    events = client.subscribe(
        [address("eventos-companias"), address("eventos-geograficos"), address("eventos-propiedades")],
        subscription_name="python-observer",
        consumer_type=pulsar.ConsumerType.Shared,
        initial_position=pulsar.InitialPosition.Earliest,
    )

    compania = str(uuid.uuid4())
    propiedad = str(uuid.uuid4())
    predio = str(uuid.uuid4())
    sends = [
        ("comandos-companias", "CrearCompania", compania, {
            "id_compania": compania, "nombre": "Inmobiliaria Python", "email": "",
            "identificacion": "900555", "fecha_creacion": int(time.time() * 1000),
            "pais": "CO", "telefono": None,
        }),
        ("comandos-geograficos", "CrearDatosGeograficos", propiedad, {
            "id_datos_geograficos": propiedad, "nombre_propiedad": "Casa Python", "latitud": "4.6097",
            "longitud": "-74.0817", "fecha_creacion": int(time.time() * 1000),
            "direccion": "Cra 7 # 40-62", "latitud_decimal": 4.6097, "longitud_decimal": -74.0817,
        }),
        # A nit no company has: the audit rejects it ("nit desconocido").
        ("comandos-propiedades", "CrearPropiedad", predio, {
            "id_propiedad": predio, "nombre": "Predio Python",
            "identificacion_catastral": f"CAT-PY-{predio[:8]}", "nit": "999-python",
            "fecha_creacion": int(time.time() * 1000),
        }),
    ]
    for topic, kind, key, data in sends:
        definition = contract.definition(topic, kind)
        properties = contract.properties(topic, kind)
        # The client's public API: the file's schema is declared to the
        # broker (which refuses producers without one where schemas are
        # enforced) and the dict is encoded with it.
        producer = client.create_producer(
            address(topic), schema=AvroSchema(None, schema_definition=definition)
        )
        message = envelope(definition, kind, data)
        producer.send(message, properties=properties, partition_key=key)
        producer.close()
        print(json.dumps({"sent": kind, "id": message["id"], **properties}), flush=True)

    wanted = {compania: None, propiedad: None, predio: None}
    deadline = time.time() + args.timeout
    while time.time() < deadline and not all(wanted.values()):
        try:
            message = events.receive(timeout_millis=1000)
        except pulsar.Timeout:
            continue
        topic = message.topic_name().rsplit("/", 1)[-1]
        record_name, data = decode(contract, topic, message)["data"]
        kind = record_name.rsplit(".", 1)[-1]
        key = data.get("id_compania") or data.get("id_datos_geograficos") or data.get("id_propiedad")
        events.acknowledge(message)
        if key not in wanted:
            continue
        print(json.dumps({"event": kind, "key": key, "data": data}, default=str), flush=True)
        if kind.endswith(("Aprobada", "Rechazada", "Aprobados", "Rechazados")):
            wanted[key] = kind
    client.close()
    if not all(wanted.values()):
        print(json.dumps({"timeout": True, "decided": wanted}), flush=True)
        return 1
    print(json.dumps({"decided": wanted}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
