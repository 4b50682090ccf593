package io.jobwatch.bench;

import java.util.Locale;

/** The contenders the bench command knows, by the name used on the command line. */
public enum ContenderKind {
  JOBWATCH("jobwatch as shipped: full fold, history, dedupe, offsets in the database"),
  DISCARD("ceiling: a plain KafkaConsumer that reads everything and discards it"),
  COPY("ceiling: events as rows into a keyed table by PostgreSQL COPY, one transaction per poll"),
  NAIVE("naive: one transaction and one UPSERT per event, offsets auto-committed to Kafka"),
  DEBEZIUM("Kafka Connect standalone + Debezium JDBC sink: upsert of each job's latest event"),
  DEBEZIUM_EVENTS(
      "Kafka Connect standalone + Debezium JDBC sink: every record of both topics stored raw"
          + " (land raw events, fold them in SQL views)");

  private final String description;

  ContenderKind(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static ContenderKind of(String name) {
    return valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
