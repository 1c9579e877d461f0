-- The table the Orleans ADO.NET providers read their SQL from. At start-up each provider loads the rows whose
-- keys it needs (the later scripts fill them) and fails if one is missing; it never issues any other SQL.
-- Idempotent: every script in this folder may be applied again to a database that already has the schema.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
