package io.jobwatch.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What one retention pass removed, or in a dry run would remove. Immutable.
 *
 * @param ran false when another instance held the retention lock and nothing was done
 * @param dryRun true when nothing was changed
 * @param partitions day partitions of {@code job_events} dropped (or expired)
 * @param rows rows removed per table (for {@code job_events}: rows of the dropped partitions)
 * @param eventsCarried events of still-open jobs moved out of a dropped partition
 * @param jobsSealed terminal jobs that got a tombstone because their history went
 * @param partitionsCreated day partitions created ahead
 */
public record RetentionReport(
    boolean ran,
    boolean dryRun,
    List<LocalDate> partitions,
    Map<String, Long> rows,
    long eventsCarried,
    long jobsSealed,
    int partitionsCreated) {

  static RetentionReport skipped(boolean dryRun) {
    return new RetentionReport(false, dryRun, List.of(), Map.of(), 0, 0, 0);
  }
}
