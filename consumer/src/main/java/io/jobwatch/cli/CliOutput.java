package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The database handle of the read commands; their JSON is {@link CliJson}'s and their readable
 * times {@link CliTimes}'s, apart so that {@code jobwatch status} loads no Jdbi class. Thread-safe.
 */
final class CliOutput {
  private CliOutput() {}

  /**
   * A Jdbi for the configured database; without a pool, since a command makes a few queries, but
   * with the session settings of every jobwatch session: a retention pass or a replay whose COMMIT
   * the network lost holds its locks (and the retention lock) for a minute, not for hours.
   */
  static Jdbi jdbi(Settings settings) {
    Jdbi jdbi =
        Jdbi.create(Database.sessionDataSource(settings.db())).installPlugin(new PostgresPlugin());
    Database.useBinaryArrays(jdbi);
    return jdbi;
  }
}
