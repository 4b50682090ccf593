package io.jobwatch.kafka;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells what failed when a record could not be written: the record itself (it is dead-lettered) or
 * the database and the way to it (the batch is retried, nothing is dead-lettered). Stateless and
 * thread-safe.
 */
final class Failures {
  /**
   * SQLSTATE classes caused by the values of a record: data exceptions (22), integrity constraint
   * violations (23) and program limits such as a too large row or index entry (54). Every other
   * class names the connection (08), a deadlock or serialization failure (40), resources (53),
   * operator intervention (57), the server (58, XX) or our own SQL (42): none of them is the
   * record's fault, so they are retried.
   */
  private static final Set<String> RECORD_SQL_CLASSES = Set.of("22", "23", "54");

  private Failures() {}

  /**
   * Whether this failure is caused by the record being written. The first SQL exception in the
   * chain decides; a failure without one (an ArithmeticException in a fold, an event stored long
   * ago that cannot be read back) is the record's. The caller must still check that the database
   * answers before it blames the record.
   */
  static boolean blamesTheRecord(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
        return false;
      }
      if (cause instanceof SQLException sql) {
        String state = sql.getSQLState();
        return state != null
            && state.length() >= 2
            && RECORD_SQL_CLASSES.contains(state.substring(0, 2));
      }
      if (cause instanceof java.io.IOException) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the first SQL exception in the chain is a cancelled statement (SQLSTATE 57014: a {@code
   * statement_timeout}, or a cancel): the database's fault, never the record's, yet a batch whose
   * slowest statement outlasts the timeout would time out again as a whole, so it is written in
   * halves (never dead-lettered for it). The statement's transaction rolled back.
   */
  static boolean isStatementCancelled(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return "57014".equals(sql.getSQLState());
      }
    }
    return false;
  }

  /** Whether the database, rather than our code, refused the record (SQLSTATE 22, 23, 54). */
  static boolean isDatabaseRefusal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException) {
        return blamesTheRecord(cause);
      }
    }
    return false;
  }

  /** The dead-letter reason for a record that failed with {@code error}. */
  static String reason(Throwable error) {
    return isDatabaseRefusal(error)
        ? "the database refused this event: " + rootMessage(error)
        : "processing this record failed: " + describe(error);
  }

  /** The innermost cause's message, at most 500 characters. */
  static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.length() > 500 ? message.substring(0, 500) : message;
  }

  /** The exception and its causes on one line, for logs and dead-letter reasons. */
  static String describe(Throwable error) {
    StringBuilder text = new StringBuilder(error.toString());
    Throwable cause = error.getCause();
    while (cause != null && cause != cause.getCause() && text.length() < 400) {
      text.append(" <- ").append(cause);
      cause = cause.getCause();
    }
    return text.length() > 1000 ? text.substring(0, 1000) : text.toString();
  }
}
