package io.jobwatch.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retention pass (issue 11): creates the day partitions of {@code job_events} ahead, drops the
 * expired ones (after sealing their terminal jobs and carrying the events of open jobs forward),
 * then prunes terminal jobs, dead letters and tombstones in bounded steps, each its own short
 * transaction. One instance at a time: the pass holds a PostgreSQL advisory lock of its own and
 * skips when another session holds it. Stateless and thread-safe.
 */
public final class Retention {
  /** "jwretent": a different key from the state exporter's ("jobwatch"). */
  public static final long LOCK_KEY = 0x6a77726574656e74L;

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  private static final String LOCK_TIMEOUT = "2s";
  private static final int DROP_ATTEMPTS = 3;
  private static final Instant OLDEST = Instant.parse("0001-01-01T00:00:00Z");

  private Retention() {}

  /**
   * Runs one pass as of {@code now}; with {@code dryRun} it only counts what would go (and creates
   * nothing).
   */
  public static RetentionReport run(
      Jdbi jdbi, RetentionPolicy policy, Instant now, boolean dryRun) {
    try (Handle handle = jdbi.open()) {
      if (!RetentionTable.tryLock(handle, LOCK_KEY)) {
        LOG.info("retention skipped: another instance holds its lock");
        return RetentionReport.skipped(dryRun);
      }
      try {
        RetentionTable.limitLockWaits(handle, LOCK_TIMEOUT);
        return dryRun ? plan(handle, policy, now) : prune(handle, policy, now);
      } finally {
        RetentionTable.restoreLockWaits(handle);
        RetentionTable.unlock(handle, LOCK_KEY);
      }
    }
  }

  /**
   * Creates today's partition and the days ahead now (no pruning), as a consumer does when it
   * starts, before it consumes: after an outage longer than the days ahead, its first events would
   * otherwise land in {@code job_events_default} until the first pass moved them, under a lock that
   * holds the consumer's inserts. Skips when another instance runs a pass; returns how many
   * partitions it created.
   */
  public static int createPartitionsAhead(Jdbi jdbi, RetentionPolicy policy, Instant now) {
    try (Handle handle = jdbi.open()) {
      if (!RetentionTable.tryLock(handle, LOCK_KEY)) {
        LOG.info("partitions not created at start: a retention pass holds its lock");
        return 0;
      }
      try {
        RetentionTable.limitLockWaits(handle, LOCK_TIMEOUT);
        // Today and the days ahead only: the days already in the default partition (a scan of
        // it) are the passes' work, which a failure here must not turn into a failed start.
        return createPartitions(handle, policy, now, false);
      } finally {
        RetentionTable.restoreLockWaits(handle);
        RetentionTable.unlock(handle, LOCK_KEY);
      }
    }
  }

  private static RetentionReport plan(Handle handle, RetentionPolicy policy, Instant now) {
    // A pass first gives the days in the default partition partitions of their own, then drops
    // the expired ones: the plan counts those days too.
    List<LocalDate> expired = new ArrayList<>(expiredDays(handle, policy, now));
    for (LocalDate day : expired(RetentionTable.daysInDefaultPartition(handle), policy, now)) {
      if (!expired.contains(day)) {
        expired.add(day);
      }
    }
    expired.sort(null);
    long events = 0;
    long carried = 0;
    for (LocalDate day : expired) {
      long[] counts = RetentionTable.eventsOfDay(handle, day);
      events += counts[0] - counts[1];
      carried += counts[1];
    }
    RetentionTable.Pruned jobs = RetentionTable.prunableJobs(handle, cutoff(now, policy.jobs()));
    Map<String, Long> rows =
        rows(
            events,
            jobs,
            RetentionTable.prunableDeadLetters(handle, cutoff(now, policy.deadLetters())),
            RetentionTable.prunableTombstones(
                handle,
                cutoff(now, policy.tombstones()),
                eventsKeptFrom(policy, now),
                cutoff(now, policy.jobs())));
    return new RetentionReport(true, true, expired, rows, carried, 0, 0);
  }

  /** One step of sealing and carrying a day's jobs: the jobs it took, sealed and events carried. */
  private record SealedStep(List<String> jobIds, int sealed, int carried) {}

  /**
   * Seals the terminal jobs among the next {@code rows} jobs of {@code day} after {@code after} and
   * carries the events of the others forward, in one transaction.
   */
  private static SealedStep sealAndCarry(
      Handle handle, LocalDate day, String after, int rows, Instant now) {
    List<String> jobIds = RetentionTable.jobsOfDay(handle, day, after, rows);
    if (jobIds.isEmpty()) {
      return new SealedStep(jobIds, 0, 0);
    }
    return handle.inTransaction(
        transaction ->
            new SealedStep(
                jobIds,
                RetentionTable.sealTerminalJobs(transaction, jobIds, now),
                RetentionTable.carryUnsealedJobs(transaction, day, jobIds, now)));
  }

  private static RetentionReport prune(Handle handle, RetentionPolicy policy, Instant now) {
    int created = createPartitions(handle, policy, now);
    List<LocalDate> dropped = new ArrayList<>();
    long events = 0;
    long carried = 0;
    long sealed = 0;
    RetentionSteps sealSteps =
        new RetentionSteps("job_events (sealing and carrying)", policy.step());
    for (LocalDate day : expiredDays(handle, policy, now)) {
      String after = "";
      while (true) {
        String from = after;
        SealedStep step = sealSteps.run(rows -> sealAndCarry(handle, day, from, rows, now));
        if (step.jobIds().isEmpty()) {
          break;
        }
        sealed += step.sealed();
        carried += step.carried();
        after = step.jobIds().get(step.jobIds().size() - 1);
      }
      carried += RetentionTable.carryMonitorDeclarations(handle, day, now);
      long rows = RetentionTable.eventsOfDay(handle, day)[0];
      if (drop(handle, day)) {
        dropped.add(day);
        events += rows;
      }
    }
    RetentionTable.Pruned jobs = pruneJobs(handle, cutoff(now, policy.jobs()), now, policy.step());
    long deadLetters = 0;
    int removed;
    RetentionSteps letterSteps = new RetentionSteps("dead_letters", policy.step());
    do {
      removed =
          letterSteps.run(
              rows ->
                  RetentionTable.pruneDeadLetters(handle, cutoff(now, policy.deadLetters()), rows));
      deadLetters += removed;
    } while (removed == letterSteps.size());
    long tombstones = 0;
    RetentionSteps tombstoneSteps = new RetentionSteps("job_tombstones", policy.step());
    do {
      removed =
          tombstoneSteps.run(
              rows ->
                  RetentionTable.pruneTombstones(handle, cutoff(now, policy.tombstones()), rows));
      tombstones += removed;
    } while (removed == tombstoneSteps.size());
    refreshStatistics(handle, jobs, deadLetters, tombstones, sealed, carried, now);
    RetentionReport report =
        new RetentionReport(
            true,
            false,
            dropped,
            rows(events, jobs, deadLetters, tombstones),
            carried,
            sealed,
            created);
    LOG.info("retention pass: {}", report);
    return report;
  }

  /**
   * The planner's row estimates ({@code jobwatch_table_rows}) of the tables this pass deleted from
   * or wrote tombstones to: autovacuum refreshes them only after a tenth or so of a table changed,
   * so a pass's deletes would otherwise not show, on a small table for ever. Dropped partitions
   * need nothing (their estimates go with them), but the partition of {@code now} received the
   * events carried out of them: without a refresh they would count nowhere.
   */
  private static void refreshStatistics(
      Handle handle,
      RetentionTable.Pruned jobs,
      long deadLetters,
      long tombstones,
      long sealed,
      long carried,
      Instant now) {
    Map<String, Long> changed = new LinkedHashMap<>();
    changed.put(RetentionTable.partitionName(LocalDate.ofInstant(now, ZoneOffset.UTC)), carried);
    changed.put("jobs", jobs.jobs());
    changed.put("job_dependencies", jobs.dependencies());
    changed.put("job_attempt_crashes", jobs.crashes());
    changed.put("dead_letters", deadLetters);
    changed.put("job_tombstones", jobs.jobs() + tombstones + sealed);
    changed.forEach(
        (table, rows) -> {
          if (rows > 0) {
            try {
              RetentionTable.analyze(handle, table);
            } catch (JdbiException e) {
              // A busy table (lock_timeout): its estimate is refreshed by the next pass.
              LOG.warn("could not refresh the statistics of {}: {}", table, e.getMessage());
            }
          }
        });
  }

  /** Today's partition, the days ahead, and any day whose rows fell into the default partition. */
  private static int createPartitions(Handle handle, RetentionPolicy policy, Instant now) {
    return createPartitions(handle, policy, now, true);
  }

  private static int createPartitions(
      Handle handle, RetentionPolicy policy, Instant now, boolean daysInDefault) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<LocalDate> days =
        new ArrayList<>(daysInDefault ? RetentionTable.daysInDefaultPartition(handle) : List.of());
    for (int ahead = 0; ahead <= policy.daysAhead(); ahead++) {
      days.add(today.plusDays(ahead));
    }
    int created = 0;
    for (LocalDate day : days) {
      try {
        if (RetentionTable.createEventPartition(handle, day)) {
          created++;
        }
      } catch (JdbiException e) {
        // A busy job_events (lock_timeout): the next pass tries again; days ahead leave time.
        LOG.warn("could not create the job_events partition of {} now: {}", day, e.getMessage());
      }
    }
    return created;
  }

  /**
   * The instant {@code age} before {@code now}, but never before year 1: no stored row is older (an
   * event timed earlier is a dead letter), and PostgreSQL cannot read an earlier one. A retention
   * of thousands of years (an operator's "keep for ever", P1000000D) so keeps everything instead of
   * failing every pass.
   */
  private static Instant cutoff(Instant now, Duration age) {
    return age.compareTo(Duration.between(OLDEST, now)) >= 0 ? OLDEST : now.minus(age);
  }

  /** Day partitions whose whole day ended more than the events' retention before {@code now}. */
  private static List<LocalDate> expiredDays(Handle handle, RetentionPolicy policy, Instant now) {
    return expired(RetentionTable.eventPartitionDays(handle), policy, now);
  }

  /**
   * Midnight UTC of the day holding the events' cutoff: the events received before it are in
   * expired days ({@link #expired}), those received from it on are kept.
   */
  private static Instant eventsKeptFrom(RetentionPolicy policy, Instant now) {
    return LocalDate.ofInstant(cutoff(now, policy.events()), ZoneOffset.UTC)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }

  /** The days of {@code days} whose whole day is older than the events' retention. */
  private static List<LocalDate> expired(
      List<LocalDate> days, RetentionPolicy policy, Instant now) {
    Instant cutoff = cutoff(now, policy.events());
    List<LocalDate> expired = new ArrayList<>();
    for (LocalDate day : days) {
      if (!day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
        expired.add(day);
      }
    }
    return expired;
  }

  /** DROP TABLE needs a short exclusive lock on job_events: wait at most the lock timeout. */
  private static boolean drop(Handle handle, LocalDate day) {
    for (int attempt = 1; attempt <= DROP_ATTEMPTS; attempt++) {
      try {
        return RetentionTable.dropEventPartition(handle, day);
      } catch (JdbiException e) {
        LOG.warn(
            "could not drop the job_events partition of {} (attempt {}): {}",
            day,
            attempt,
            e.getMessage());
      }
    }
    return false;
  }

  private static RetentionTable.Pruned pruneJobs(
      Handle handle, Instant cutoff, Instant now, int step) {
    long jobs = 0;
    long dependencies = 0;
    long crashes = 0;
    RetentionTable.Pruned pruned;
    RetentionSteps steps = new RetentionSteps("jobs", step);
    do {
      pruned = steps.run(rows -> RetentionTable.pruneJobs(handle, cutoff, now, rows));
      jobs += pruned.jobs();
      dependencies += pruned.dependencies();
      crashes += pruned.crashes();
    } while (pruned.jobs() == steps.size());
    return new RetentionTable.Pruned(jobs, dependencies, crashes);
  }

  private static Map<String, Long> rows(
      long events, RetentionTable.Pruned jobs, long deadLetters, long tombstones) {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("job_events", events);
    rows.put("jobs", jobs.jobs());
    rows.put("job_dependencies", jobs.dependencies());
    rows.put("job_attempt_crashes", jobs.crashes());
    rows.put("dead_letters", deadLetters);
    rows.put("job_tombstones", tombstones);
    return Collections.unmodifiableMap(rows);
  }
}
