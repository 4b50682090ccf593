package io.jobwatch.bench;

import java.time.Instant;

/**
 * The size and mix of a generated workload; immutable.
 *
 * @param events how many records to generate (lifecycle, stage, monitor, duplicates and poison)
 * @param seed the random seed: the same spec always yields the same records
 * @param stageShare fraction of records that are stage.error / stage.ok on the errors topic
 * @param duplicateShare fraction of valid records re-published with the same id
 * @param poisonShare fraction of records that are not JSON or break the schema
 * @param start the event time of the first record
 */
public record WorkloadSpec(
    long events,
    long seed,
    double stageShare,
    double duplicateShare,
    double poisonShare,
    Instant start) {

  public static final Instant DEFAULT_START = Instant.parse("2026-11-22T00:00:00Z");

  /** The default mix: 20% stage events, 1% duplicates, 0.1% poison. */
  public static WorkloadSpec of(long events, long seed) {
    return new WorkloadSpec(events, seed, 0.20, 0.01, 0.001, DEFAULT_START);
  }
}
