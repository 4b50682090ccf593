package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import java.time.Instant;
import java.util.Comparator;

/**
 * The place of one event in its job's fold order: attempt, the attempt's opening {@code
 * job.requeued} first, then event time, lifecycle rank and id (see {@link JobFold}). Immutable and
 * thread-safe.
 *
 * @param attempt the event's effective attempt (named, or the attempt in force at its time)
 * @param opens whether the event is a {@code job.requeued}, which opens its attempt
 */
public record FoldKey(int attempt, boolean opens, Instant time, int rank, String id)
    implements Comparable<FoldKey> {

  private static final Comparator<FoldKey> ORDER =
      Comparator.comparingInt(FoldKey::attempt)
          .thenComparing(key -> !key.opens())
          .thenComparing(FoldKey::time)
          .thenComparingInt(FoldKey::rank)
          .thenComparing(FoldKey::id);

  /** The key of {@code event} when its effective attempt is {@code attempt}. */
  public static FoldKey of(JobEvent event, int attempt) {
    return new FoldKey(
        attempt,
        event.change() instanceof JobChange.Requeued,
        event.time(),
        JobFold.lifecycleRank(event.change()),
        event.id());
  }

  @Override
  public int compareTo(FoldKey other) {
    return ORDER.compare(this, other);
  }

  public boolean isAfter(FoldKey other) {
    return compareTo(other) > 0;
  }
}
