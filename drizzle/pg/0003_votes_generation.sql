-- The votes generation (PgVotesStore.generation, the twin of SQLite's `data_version`): a counter in
-- derived_state that every statement writing votes bumps in its own transaction, whatever process or tool
-- runs it, so a planner caching tastes sees a change once it is committed, never before.
CREATE FUNCTION votes_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO derived_state (name, version) VALUES ('votes_generation', 1)
  ON CONFLICT (name) DO UPDATE SET version = CASE WHEN derived_state.version >= 2147483647 THEN 1 ELSE derived_state.version + 1 END;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER votes_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON votes FOR EACH STATEMENT EXECUTE FUNCTION votes_generation_bump();
