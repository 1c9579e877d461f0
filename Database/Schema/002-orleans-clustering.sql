-- Orleans ADO.NET clustering: which silos belong to a cluster (a "deployment" in the provider's words) and in
-- which state. Every change to a cluster's rows bumps that cluster's version, compare-and-swap style, so that two
-- silos cannot both act on a stale view. Parameter names (@DeploymentId, ...) and result column names are the
-- provider's contract; function names are this project's own.

CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150)   NOT NULL,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT pk_orleansmembershipversiontable_deploymentid PRIMARY KEY (deploymentid)
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150)   NOT NULL,
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer        NULL,
    suspecttimes varchar(8000)  NULL,
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,
    CONSTRAINT pk_membershiptable_deploymentid PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_membershiptable_membershipversiontable_deploymentid
        FOREIGN KEY (deploymentid) REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Heartbeat. The provider ignores the result.
CREATE OR REPLACE FUNCTION orleans_membership_heartbeat(
    p_deploymentid varchar, p_address varchar, p_port integer, p_generation integer, p_iamalivetime timestamptz)
RETURNS void
LANGUAGE sql AS $fn$
    UPDATE orleansmembershiptable
       SET iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address = p_address
       AND port = p_port
       AND generation = p_generation;
$fn$;

-- Creates the cluster's version row once; 1 when it was created, 0 when it already existed.
CREATE OR REPLACE FUNCTION orleans_membership_version_create(p_deploymentid varchar)
RETURNS TABLE (row_count integer)
LANGUAGE sql AS $fn$
    WITH created AS (
        INSERT INTO orleansmembershipversiontable (deploymentid)
        VALUES (p_deploymentid)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM created;
$fn$;

-- Adds a silo if the caller saw the current version. 1 on success; 0 (and no change at all) when the version moved
-- on or the silo is already listed.
CREATE OR REPLACE FUNCTION orleans_membership_join(
    p_deploymentid varchar, p_address varchar, p_port integer, p_generation integer, p_siloname varchar,
    p_hostname varchar, p_status integer, p_proxyport integer, p_starttime timestamptz, p_iamalivetime timestamptz,
    p_expectedversion integer)
RETURNS TABLE (row_count integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE orleansmembershipversiontable
       SET version = version + 1, timestamp = now()
     WHERE deploymentid = p_deploymentid AND version = p_expectedversion;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
    VALUES
        (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname, p_status, p_proxyport,
         p_starttime, p_iamalivetime);
    RETURN QUERY SELECT 1;
EXCEPTION WHEN unique_violation THEN
    -- Leaving through the handler also undoes the version bump above: a failed join changes nothing.
    RETURN QUERY SELECT 0;
END;
$fn$;

-- Changes a silo's status and suspicions if the caller saw the current version; 1 on success, otherwise 0 and no
-- change.
CREATE OR REPLACE FUNCTION orleans_membership_change(
    p_deploymentid varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspecttimes varchar, p_iamalivetime timestamptz, p_expectedversion integer)
RETURNS TABLE (row_count integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE orleansmembershipversiontable
       SET version = version + 1, timestamp = now()
     WHERE deploymentid = p_deploymentid AND version = p_expectedversion;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE orleansmembershiptable
       SET status = p_status, suspecttimes = p_suspecttimes, iamalivetime = p_iamalivetime
     WHERE deploymentid = p_deploymentid
       AND address = p_address
       AND port = p_port
       AND generation = p_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'VSR02';
    END IF;
    RETURN QUERY SELECT 1;
EXCEPTION WHEN SQLSTATE 'VSR02' THEN
    RETURN QUERY SELECT 0;
END;
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpdateIAmAlivetimeKey', $q$
SELECT orleans_membership_heartbeat(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);
$q$),
('InsertMembershipVersionKey', $q$
SELECT row_count FROM orleans_membership_version_create(@DeploymentId);
$q$),
('InsertMembershipKey', $q$
SELECT row_count FROM orleans_membership_join(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
    @StartTime, @IAmAliveTime, @Version);
$q$),
('UpdateMembershipKey', $q$
SELECT row_count FROM orleans_membership_change(
    @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),
-- Both reads return the version row even when no silo row matches (the outer join), because the provider needs
-- the version to write next.
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m
         ON m.deploymentid = v.deploymentid
        AND m.address = @Address
        AND m.port = @Port
        AND m.generation = @Generation
 WHERE v.deploymentid = @DeploymentId;
$q$),
('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleansmembershipversiontable v
  LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId;
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$q$),
('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
  FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status = @Status
   AND proxyport > 0;
$q$),
-- Status 3 is Active: a silo that still claims to be active is never cleaned up here.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND iamalivetime < @IAmAliveTime
   AND status <> 3;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
