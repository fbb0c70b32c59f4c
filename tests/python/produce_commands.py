#!/usr/bin/env python3
"""Feeds PropAlpes from Python with nothing but the contracts in schemas/.

Writes a CrearCompania, a CrearDatosGeograficos and a CrearPropiedad command as Avro envelopes
(fastavro, the newest schema version), publishes them on the command topics
(pulsar-client), then reads the events the services publish and decodes
them with the writer's schema version, resolved to our reader schema.

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

import _pulsar
import fastavro
import pulsar
from pulsar.schema import Schema

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "schemas"


def versions(topic):
    return sorted(int(p.stem[1:]) for p in (SCHEMAS / topic).glob("v*.avsc"))


def schema(topic, version):
    return fastavro.parse_schema(json.loads((SCHEMAS / topic / f"v{version}.avsc").read_text()))


class AvroFile(Schema):
    """Declares a topic's Avro schema (the file in schemas/) to the broker,
    which refuses producers without one where schemas are enforced; the
    payload is encoded beforehand with fastavro and sent as it is."""

    def __init__(self, topic, version):
        definition = json.loads((SCHEMAS / topic / f"v{version}.avsc").read_text())
        super().__init__(bytes, _pulsar.SchemaType.AVRO, definition, "AVRO")

    def encode(self, obj):
        return obj

    def decode(self, data):
        return data


def command(topic, kind, data):
    """An envelope with `data` the union branch `kind`, encoded with the newest schema."""
    version = versions(topic)[-1]
    writer = schema(topic, version)
    namespace = writer["name"].rsplit(".", 1)[0]
    envelope = {
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
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, writer, envelope)
    return envelope["id"], version, buf.getvalue()


def decode(topic, message):
    """Reads an event written with any version, as the newest reader."""
    written_with = int(message.properties().get("schema.version", "1"))
    return fastavro.schemaless_reader(
        io.BytesIO(message.data()),
        schema(topic, written_with),
        schema(topic, versions(topic)[-1]),
        return_record_name=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--tenant", default="public")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()
    topic = lambda name: f"persistent://{args.tenant}/{args.namespace}/{name}"

    client = pulsar.Client(args.url)
    events = client.subscribe(
        [topic("eventos-companias"), topic("eventos-geograficos"), topic("eventos-propiedades")],
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
    for name, kind, key, data in sends:
        message_id, version, payload = command(name, kind, data)
        producer = client.create_producer(topic(name), schema=AvroFile(name, version))
        producer.send(payload, properties={"schema.version": str(version), "type": kind}, partition_key=key)
        producer.close()
        print(json.dumps({"sent": kind, "id": message_id, "schema.version": version}), flush=True)

    wanted = {compania: None, propiedad: None, predio: None}
    deadline = time.time() + args.timeout
    while time.time() < deadline and not all(wanted.values()):
        try:
            message = events.receive(timeout_millis=1000)
        except pulsar.Timeout:
            continue
        name = message.topic_name().rsplit("/", 1)[-1]
        envelope = decode(name, message)
        record_name, data = envelope["data"]
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
