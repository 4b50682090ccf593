package io.jobwatch.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.postgresql.PGStatement;

/**
 * Makes PostgreSQL plan a statement at every execution, for its actual parameters and the table as
 * it is then, instead of reusing a generic plan.
 *
 * <p>pgjdbc prepares a statement on the server from its fifth execution on a connection, and
 * PostgreSQL then keeps one generic plan for it until the tables' statistics change. A plan made
 * while a table was small (a new database, before autovacuum's next ANALYZE, up to a minute later)
 * can scan the whole table on every batch afterwards: the stale-crash DELETE did in half of the
 * benchmark's 1M-event runs, up to 64 ms and 31,484 rows a batch, 11 s of the run
 * (docs/performance.md). Only for statements whose every plan is cheap to make: a custom plan for a
 * 2,000-element array over 40 day partitions costs more than the scan it avoids.
 */
final class FreshPlans implements StatementCustomizer {
  static final FreshPlans INSTANCE = new FreshPlans();

  private FreshPlans() {}

  @Override
  public void beforeExecution(PreparedStatement statement, StatementContext context)
      throws SQLException {
    // 0: never a named server-side statement, so never a cached plan.
    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
  }
}
