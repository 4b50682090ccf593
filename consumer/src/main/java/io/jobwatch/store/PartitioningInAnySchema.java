package io.jobwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Carries job_events' indexes over migration V11 when jobwatch's schema is not {@code public}. V11
 * recreates them on the partitioned table from {@code pg_get_indexdef}, which names the table with
 * its schema, by replacing {@code " ON public.job_events_unpartitioned "} only: in a schema of its
 * own (a JDBC URL with {@code currentSchema=jobwatch}, the usual set-up where the role may not
 * create in {@code public}) it re-created them on the table it had just dropped, and every start
 * failed there. V11 cannot change (Flyway checks its checksum on every installed database), so in
 * another schema this callback drops those indexes before V11 and recreates them on the partitioned
 * table after it, as V11 does in {@code public}. One instance per migration run; not thread-safe.
 */
final class PartitioningInAnySchema extends BaseCallback {
  private static final MigrationVersion V11 = MigrationVersion.fromVersion("11");

  private static final String INDEXES_OF_JOB_EVENTS =
      """
      SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'job_events'::regclass AND NOT i.indisprimary
         AND current_schema() <> 'public'
      """;

  private final List<String> definitions = new ArrayList<>();

  @Override
  public boolean supports(Event event, Context context) {
    return (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE)
        && context.getMigrationInfo() != null
        && V11.equals(context.getMigrationInfo().getVersion());
  }

  @Override
  public void handle(Event event, Context context) {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      if (event == Event.BEFORE_EACH_MIGRATE) {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(INDEXES_OF_JOB_EVENTS)) {
          while (rows.next()) {
            names.add(rows.getString(1));
            definitions.add(rows.getString(2));
          }
        }
        for (String name : names) {
          statement.execute("DROP INDEX " + quoted(name));
        }
      } else {
        // The definitions name job_events with its schema: after V11 that is the partitioned
        // table, on which an index without the partition key cannot be unique (V11's rule).
        for (String definition : definitions) {
          statement.execute(definition.replaceFirst("^CREATE UNIQUE INDEX", "CREATE INDEX"));
        }
        definitions.clear();
      }
    } catch (SQLException e) {
      throw new FlywayException("could not carry job_events' indexes over migration V11", e);
    }
  }

  /** An index name as an SQL identifier (PostgreSQL's own names, quoted for safety). */
  private static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
