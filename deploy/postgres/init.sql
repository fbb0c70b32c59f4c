-- One database per context (the services also create theirs if missing).
CREATE DATABASE propalpes_companias;
CREATE DATABASE propalpes_geograficos;
CREATE DATABASE propalpes_propiedades;
CREATE DATABASE propalpes_auditoria;
CREATE DATABASE propalpes_bff_web;
