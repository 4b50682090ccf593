package io.jobwatch.store;

import java.sql.SQLException;
import java.util.function.IntFunction;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows per step of one of a retention pass's pruning loops: halved (down to one row) whenever a
 * step outlasts the session's {@code statement_timeout} (SQLSTATE 57014, a DBA's setting on the
 * role or database), so that the pass still gets through instead of failing at the same step on
 * every pass. Not thread-safe: one per loop.
 */
final class RetentionSteps {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSteps.class);
  private static final String STATEMENT_CANCELLED = "57014";

  private final String what;
  private int size;

  RetentionSteps(String what, int size) {
    this.what = what;
    this.size = size;
  }

  /** The rows the last step that ran was given. */
  int size() {
    return size;
  }

  /** Runs one step of at most {@link #size()} rows, halving it while the database cancels it. */
  <T> T run(IntFunction<T> step) {
    while (true) {
      try {
        return step.apply(size);
      } catch (JdbiException e) {
        if (size == 1 || !cancelled(e)) {
          throw e;
        }
        size = size / 2;
        LOG.warn(
            "a retention step pruning {} outlasted the statement_timeout; trying {} rows a step",
            what,
            size);
      }
    }
  }

  private static boolean cancelled(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return STATEMENT_CANCELLED.equals(sql.getSQLState());
      }
    }
    return false;
  }
}
