package io.jobwatch.testing;

/** Where a test's own, initially empty PostgreSQL database lives; immutable, thread-safe. */
public record Database(String jdbcUrl, String user, String password) {}
