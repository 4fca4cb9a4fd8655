-- Motive on PostgreSQL with two roles: an owner that runs upgrades, and the app's role that cannot
-- disable the audit log's triggers (SECURITY.md, "The audit log"; docs/deployment.md, section 1).
--
-- Run once, as a superuser (or a role with CREATEROLE), in the database Motive uses:
--
--   sudo -u postgres psql -d motive -v owner=motive_owner -v owner_password='...' \
--        -v app=motive_app -v app_password='...' -v schema=motive -f deploy/postgres-roles.sql
--
-- * The owner owns the schema and every table. Only the owner may ALTER TABLE ... DISABLE TRIGGER or
--   DROP TRIGGER, so only the owner can switch off the audit log's append-only triggers. Use it for
--   upgrades (start one process with its URL after each release) and nothing else; keep its password
--   out of the app's environment.
-- * The app reads and writes the tables it needs. On audit_log it has SELECT and INSERT only (schema
--   v7 revokes UPDATE, DELETE and TRUNCATE there from every role but the owner; this script does the
--   same for tables that already exist). It cannot set session_replication_role either (superuser only).
--
-- For a database made before the split, whose tables are in :schema and owned by the old single role
-- (say motive), run this script and then, as a superuser: REASSIGN OWNED BY motive TO motive_owner;
-- the grants below already cover the tables that exist.

\set ON_ERROR_STOP on

CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password' NOSUPERUSER NOCREATEROLE NOCREATEDB;
CREATE ROLE :"app" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEROLE NOCREATEDB NOINHERIT;

-- A non-superuser running this must be able to act as the owner to create its schema.
SELECT format('GRANT %I TO CURRENT_USER', :'owner')
 WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) \gexec

CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"owner";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE ON SCHEMA :"schema" TO :"app";
ALTER ROLE :"owner" IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE :"app" IN DATABASE :"DBNAME" SET search_path = :"schema";

-- Tables and sequences the owner creates from now on (every upgrade).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema"
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema"
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- Tables and sequences that already exist.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"app";
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.audit_log FROM %I', :'schema', :'app')
 WHERE to_regclass(format('%I.audit_log', :'schema')) IS NOT NULL \gexec
