-- Orleans ADO.NET reminders: durable, periodic wake-ups of grains. The provider spreads reminders over silos by
-- ranges of the grain hash; a range may wrap around the end of the hash space (ReadRangeRows2Key).

CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150)   NOT NULL,
    grainid      varchar(150)   NOT NULL,
    remindername varchar(150)   NOT NULL,
    starttime    timestamptz(3) NOT NULL,
    period       bigint         NOT NULL,
    grainhash    integer        NOT NULL,
    version      integer        NOT NULL,
    CONSTRAINT pk_reminderstable_serviceid_grainid_remindername PRIMARY KEY (serviceid, grainid, remindername)
);

-- Registers or re-registers a reminder and answers its new version (the provider's ETag).
CREATE OR REPLACE FUNCTION orleans_reminder_upsert(
    p_serviceid varchar, p_grainid varchar, p_remindername varchar, p_starttime timestamptz, p_period bigint,
    p_grainhash integer)
RETURNS TABLE (version integer)
LANGUAGE sql AS $fn$
    INSERT INTO orleansreminderstable AS r
        (serviceid, grainid, remindername, starttime, period, grainhash, version)
    VALUES (p_serviceid, p_grainid, p_remindername, p_starttime, p_period, p_grainhash, 0)
    ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
        SET starttime = excluded.starttime,
            period = excluded.period,
            grainhash = excluded.grainhash,
            version = r.version + 1
    RETURNING r.version;
$fn$;

-- Removes a reminder if it still has the version the caller holds; 1 when removed, 0 otherwise.
CREATE OR REPLACE FUNCTION orleans_reminder_delete(
    p_serviceid varchar, p_grainid varchar, p_remindername varchar, p_expectedversion integer)
RETURNS TABLE (row_count integer)
LANGUAGE sql AS $fn$
    WITH removed AS (
        DELETE FROM orleansreminderstable
         WHERE serviceid = p_serviceid
           AND grainid = p_grainid
           AND remindername = p_remindername
           AND version = p_expectedversion
        RETURNING 1
    )
    SELECT count(*)::integer FROM removed;
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
SELECT version FROM orleans_reminder_upsert(@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash);
$q$),
('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainid = @GrainId;
$q$),
('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainid = @GrainId
   AND remindername = @ReminderName;
$q$),
('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND grainhash > @BeginHash
   AND grainhash <= @EndHash;
$q$),
('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
  FROM orleansreminderstable
 WHERE serviceid = @ServiceId
   AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$q$),
('DeleteReminderRowKey', $q$
SELECT row_count FROM orleans_reminder_delete(@ServiceId, @GrainId, @ReminderName, @Version);
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
