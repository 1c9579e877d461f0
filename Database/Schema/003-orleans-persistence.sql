-- Orleans ADO.NET grain storage: one row per grain state, with an integer version the provider uses as the ETag.
-- A write carries the version the grain last read (NULL for a grain that never stored anything) and only succeeds
-- against that version; the provider reports a conflict when the version it gets back is not a new one.

CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer                     NOT NULL,
    grainidn0              bigint                      NOT NULL,
    grainidn1              bigint                      NOT NULL,
    graintypehash          integer                     NOT NULL,
    graintypestring        varchar(512)                NOT NULL,
    grainidextensionstring varchar(512)                NULL,
    serviceid              varchar(150)                NOT NULL,
    payloadbinary          bytea                       NULL,
    modifiedon             timestamp without time zone NOT NULL,
    version                integer                     NULL
);

CREATE INDEX IF NOT EXISTS ix_orleansstorage ON orleansstorage (grainidhash, graintypehash);

CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grainidhash integer, p_grainidn0 bigint, p_grainidn1 bigint, p_graintypehash integer,
    p_graintypestring varchar, p_grainidextensionstring varchar, p_serviceid varchar,
    p_expectedversion integer, p_payload bytea)
RETURNS TABLE (newgrainstateversion integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_expectedversion IS NULL THEN
        -- A first write. Two activations of one grain (a split cluster) could race here; the transaction-scoped
        -- lock on the grain's hashes makes the second wait, and its NOT EXISTS then sees the first one's row.
        PERFORM pg_advisory_xact_lock(p_grainidhash, p_graintypehash);
        INSERT INTO orleansstorage
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
             payloadbinary, modifiedon, version)
        SELECT p_grainidhash, p_grainidn0, p_grainidn1, p_graintypehash, p_graintypestring, p_grainidextensionstring,
               p_serviceid, p_payload, now() AT TIME ZONE 'utc', 1
         WHERE NOT EXISTS (
            SELECT 1 FROM orleansstorage s
             WHERE s.grainidhash = p_grainidhash
               AND s.graintypehash = p_graintypehash
               AND s.grainidn0 = p_grainidn0
               AND s.grainidn1 = p_grainidn1
               AND s.graintypestring = p_graintypestring
               AND s.grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
               AND s.serviceid = p_serviceid);
        RETURN QUERY SELECT CASE WHEN FOUND THEN 1 END;
    ELSE
        UPDATE orleansstorage s
           SET payloadbinary = p_payload, modifiedon = now() AT TIME ZONE 'utc', version = s.version + 1
         WHERE s.grainidhash = p_grainidhash
           AND s.graintypehash = p_graintypehash
           AND s.grainidn0 = p_grainidn0
           AND s.grainidn1 = p_grainidn1
           AND s.graintypestring = p_graintypestring
           AND s.grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
           AND s.serviceid = p_serviceid
           AND s.version = p_expectedversion;
        -- An unchanged version tells the provider that someone else wrote in between.
        RETURN QUERY SELECT CASE WHEN FOUND THEN p_expectedversion + 1 ELSE p_expectedversion END;
    END IF;
END;
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey', $q$
SELECT newgrainstateversion FROM orleans_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
    @GrainStateVersion, @PayloadBinary);
$q$),
('ReadFromStorageKey', $q$
SELECT payloadbinary, version
  FROM orleansstorage
 WHERE grainidhash = @GrainIdHash
   AND graintypehash = @GrainTypeHash
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND graintypestring = @GrainTypeString
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND serviceid = @ServiceId;
$q$),
-- Clearing keeps the row (and its version) but drops the payload; deleting removes the row. Both answer the
-- version the grain holds afterwards, and nothing when the expected version did not match.
('ClearStorageKey', $q$
UPDATE orleansstorage
   SET payloadbinary = NULL, version = version + 1
 WHERE grainidhash = @GrainIdHash
   AND graintypehash = @GrainTypeHash
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND graintypestring = @GrainTypeString
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND serviceid = @ServiceId
   AND version = @GrainStateVersion
RETURNING version AS newgrainstateversion;
$q$),
('DeleteStorageKey', $q$
DELETE FROM orleansstorage
 WHERE grainidhash = @GrainIdHash
   AND graintypehash = @GrainTypeHash
   AND grainidn0 = @GrainIdN0
   AND grainidn1 = @GrainIdN1
   AND graintypestring = @GrainTypeString
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND serviceid = @ServiceId
   AND version = @GrainStateVersion
RETURNING version + 1 AS newgrainstateversion;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
