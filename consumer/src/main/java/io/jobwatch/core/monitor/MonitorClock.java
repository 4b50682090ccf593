package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The instant monitors are judged at: the wall clock while the pipeline keeps up, the stream's
 * watermark while it is behind, so that a backlog of successful runs pages nobody (issue 10.3).
 * Pure and stateless (time is an input), safe to call from any thread.
 *
 * <p>Each consumer reports, per partition it owns, how far it consumed (the watermark: the latest
 * event time, bounded by the record timestamp, of the records it committed), whether it was caught
 * up (nothing left to read), and when it reported. The judgement instant is the minimum over the
 * partitions of their progress, and never later than {@code now}:
 *
 * <ul>
 *   <li>a caught-up partition whose reporter is fresh (reported within {@code staleAfter}) has
 *       progressed to {@code now};
 *   <li>a partition that is behind has progressed to its watermark ({@link #NOTHING_READ} if
 *       nothing was read from it yet, which judges monitors as of 1970: none is late), and never
 *       further than the time of its report;
 *   <li>a partition whose reporter is stale means the pipeline is down: its progress stops at the
 *       time it last reported if it was caught up then, at its watermark if not. Monitors are not
 *       judged past what was consumed, so they neither go down because of the outage nor resolve.
 * </ul>
 *
 * <p>Partitions nobody consumes any more (a renamed group or topic) would freeze the judgement for
 * ever: a (group, topic) is ignored when its newest report is more than {@code staleAfter} older
 * than the newest report of all. No reports at all means nothing is known: the wall clock.
 */
public final class MonitorClock {
  /** A reporter silent for longer than this is considered down; it reports every few seconds. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(1);

  /**
   * The progress of a partition that is behind and of which nothing was read yet: its records may
   * be as old as anything, so no monitor can be judged late because of them.
   */
  public static final Instant NOTHING_READ = Instant.EPOCH;

  private MonitorClock() {}

  /**
   * One partition's progress as its consumer last reported it. Immutable and thread-safe.
   *
   * @param watermark how far the partition was consumed; null if nothing was read yet
   */
  public record Progress(
      String groupId,
      String topic,
      int partition,
      Instant watermark,
      boolean caughtUp,
      Instant reportedAt) {
    public Progress {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(reportedAt, "reportedAt");
    }
  }

  /** The instant to judge monitors at, given every partition's last report and the wall clock. */
  public static Instant judgementInstant(List<Progress> reports, Instant now, Duration staleAfter) {
    if (reports.isEmpty()) {
      return now;
    }
    Map<String, Instant> newestPerTopic = new HashMap<>();
    Instant newest = Instant.MIN;
    for (Progress report : reports) {
      newestPerTopic.merge(scope(report), report.reportedAt(), MonitorClock::later);
      newest = later(newest, report.reportedAt());
    }
    Instant abandonedBefore = newest.minus(staleAfter);
    Instant staleBefore = now.minus(staleAfter);
    Instant judgement = now;
    for (Progress report : reports) {
      if (newestPerTopic.get(scope(report)).isBefore(abandonedBefore)) {
        continue;
      }
      judgement = earlier(judgement, progress(report, now, staleBefore));
    }
    return judgement;
  }

  private static Instant progress(Progress report, Instant now, Instant staleBefore) {
    boolean fresh = !report.reportedAt().isBefore(staleBefore);
    if (report.caughtUp()) {
      return fresh ? now : report.reportedAt();
    }
    // Nothing can have been read later than it was reported: a watermark ahead of its report
    // (record timestamps from a producer clock ahead, or stored before progress was capped) would
    // judge a stopped or draining partition at the wall clock.
    return report.watermark() == null
        ? NOTHING_READ
        : earlier(report.watermark(), report.reportedAt());
  }

  private static String scope(Progress report) {
    return report.groupId() + "\u0000" + report.topic();
  }

  private static Instant later(Instant left, Instant right) {
    return left.isAfter(right) ? left : right;
  }

  private static Instant earlier(Instant left, Instant right) {
    return left.isBefore(right) ? left : right;
  }
}
