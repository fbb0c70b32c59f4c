-- The review workflow: an audit may wait for a person (resultado
-- EnRevision); an auditor's decision or reopening keeps their reason and
-- name; a reopened audit's next decision is a revision of the source's.
-- `version` guards concurrent reviews of one audit (rows so far: 1).
ALTER TABLE auditorias ADD COLUMN motivo TEXT;
ALTER TABLE auditorias ADD COLUMN revisor TEXT;
ALTER TABLE auditorias ADD COLUMN reabierta INTEGER NOT NULL DEFAULT 0;
ALTER TABLE auditorias ADD COLUMN fecha_revision BIGINT;
ALTER TABLE auditorias ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- A saga carrying an auditor's re-decision (their reason).
ALTER TABLE sagas ADD COLUMN revision TEXT;
