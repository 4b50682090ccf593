package io.jobwatch.embedded;

import java.util.Map;

/** How hard an embedded PostgreSQL works to survive a machine crash; immutable, thread-safe. */
public enum PostgresDurability {
  /**
   * PostgreSQL's own defaults: every commit is flushed to disk (fsync, synchronous_commit and
   * full_page_writes on). Use this for the benchmark, so its numbers mean something.
   */
  DURABLE(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on")),
  /**
   * Nothing is flushed: a crash of the machine (not of PostgreSQL) may lose or corrupt data. Much
   * faster; for tests only.
   */
  UNSAFE_FOR_TESTS(Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off"));

  private final Map<String, String> serverSettings;

  PostgresDurability(Map<String, String> serverSettings) {
    this.serverSettings = serverSettings;
  }

  /** The {@code postgresql.conf} settings this mode stands for. */
  public Map<String, String> serverSettings() {
    return serverSettings;
  }
}
