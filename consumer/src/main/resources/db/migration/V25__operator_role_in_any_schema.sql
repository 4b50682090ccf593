-- The operators' read-only role reads the schema jobwatch is migrated into, whichever it is. V2
-- granted schema public only, so with a schema of its own (a JDBC URL with currentSchema, see
-- docs/operators.md) the role could read none of the tables created before the later migrations'
-- grants by name. A role that may not grant on the schema (it does not own it) leaves the grants to
-- an admin, as docs/operators.md says, instead of failing every start.
DO $$
BEGIN
  IF current_schema() IS DISTINCT FROM 'public' THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO jobwatch_operator', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO jobwatch_operator', current_schema());
    EXECUTE format(
      'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO jobwatch_operator',
      current_schema());
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'jobwatch_operator not granted schema %: grant it as an admin (docs/operators.md)',
    current_schema();
END
$$;
