package io.jobwatch.pipeline;

import java.util.Set;

/**
 * Another consumer committed a fold state of one of the batch's jobs after this batch read (or
 * cached) it: the job's events came on two partitions owned by two consumers (publishers with
 * different partitioners, or partitions added to the topic). Storing this batch's fold would lose
 * the other's events, so the batch was rolled back. It is handled as a {@link FencedException}: the
 * history cache is dropped and the batch's partitions are read again from their stored offsets, so
 * the retry folds onto the states as the database holds them now. A retry conflicts again only if
 * the other consumer committed yet another state of the job in between: every conflict is another
 * consumer's progress, so two consumers cannot keep each other from committing.
 */
public final class FoldConflictException extends FencedException {
  private final Set<String> jobIds;

  public FoldConflictException(Set<String> jobIds) {
    super(
        "another consumer stored a newer fold state of "
            + (jobIds.size() == 1 ? "job " : jobIds.size() + " jobs, first ")
            + jobIds.stream().sorted().findFirst().orElse("?")
            + " (its events are on more than one partition); retrying from the stored offsets");
    this.jobIds = Set.copyOf(jobIds);
  }

  /** The jobs whose stored fold state changed under the batch. */
  public Set<String> jobIds() {
    return jobIds;
  }
}
