package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.DependencySettingsTable;
import io.jobwatch.store.StateQueries;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dependency views and the exporter's counts against a reference written from the rule tables
 * of docs/operators.md ("Dependencies"), on random DAGs and non-DAGs: every state, accept lists of
 * any states, self-dependencies, cycles (deadlocked or not), diamonds, chains, dependencies never
 * seen and pruned ones (tombstones, also of a sealed job whose row wins). Times are minutes away
 * from the {@code stuck_after} threshold, so the test does not depend on how fast it runs. Seeded:
 * the same graphs every run.
 */
@WithInfra
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyViewsReferenceIT {
  private static final Duration STUCK_AFTER = Duration.ofMinutes(10);
  private static final List<String> STATES =
      List.of(
          "submitted",
          "queued",
          "waiting",
          "running",
          "succeeded",
          "failed",
          "crashed",
          "cancelled");
  private static final Set<String> PENDING = Set.of("submitted", "queued", "waiting");
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "crashed", "cancelled");
  private static final List<String> ACCEPTABLE = STATES;
  private static final long[] MINUTES_AGO = {1, 5, 30, 60};
  // docs/operators.md, Dependencies: cycles of up to 16 jobs are deadlocks.
  private static final int MAX_CYCLE = 16;

  private Database database;

  @BeforeAll
  void migrate(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    database = Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2));
    assertThat(database.migrate()).isPositive();
    database.jdbi().useHandle(handle -> DependencySettingsTable.write(handle, STUCK_AFTER));
  }

  @AfterAll
  void close() {
    database.close();
  }

  private record Job(
      String id, String state, Instant submittedAt, Instant finishedAt, String reason) {}

  private record Known(String state, Instant finishedAt) {}

  private record Edge(String job, String dependency, List<String> accept) {}

  @Test
  @DisplayName(
      "On 180 random graphs, job_waits, stuck_jobs and the exported counts say what the rule"
          + " tables of docs/operators.md say")
  void viewsFollowTheRuleTables() {
    Random random = new Random(20261205L);
    int deadlocks = 0;
    for (int graph = 0; graph < 180; graph++) {
      deadlocks += checkGraph(graph, random);
    }
    // The graphs exercise the cycle rule, not just the rest: many hold a deadlocked cycle.
    assertThat(deadlocks).as("graphs with a deadlocked cycle").isGreaterThan(30);
  }

  /** Checks one random graph; returns 1 if it holds a deadlocked cycle, else 0. */
  private int checkGraph(int graph, Random random) {
    Instant now = database.jdbi().withHandle(DependencyViewsReferenceIT::now);
    Map<String, Job> jobs = new TreeMap<>();
    Map<String, Known> tombstones = new TreeMap<>();
    // The last 30 graphs are larger: cycles that share jobs, cycles inside cycles.
    int size =
        graph < 150
            ? 2 + random.nextInt(7)
            : graph < 170 ? 10 + random.nextInt(15) : 18 + random.nextInt(7);
    for (int i = 0; i < size; i++) {
      String state = STATES.get(random.nextInt(STATES.size()));
      Instant submitted = now.minus(Duration.ofMinutes(pick(random)));
      Instant finished =
          TERMINAL.contains(state) ? now.minus(Duration.ofMinutes(pick(random))) : null;
      String reason =
          state.equals("waiting")
              ? List.of("dependencies", "resources", "none").get(random.nextInt(3))
              : null;
      jobs.put(
          "j" + i,
          new Job("j" + i, state, submitted, finished, "none".equals(reason) ? null : reason));
    }
    for (int i = 0; i < 2; i++) {
      String state = List.copyOf(TERMINAL).get(random.nextInt(TERMINAL.size()));
      tombstones.put("t" + i, new Known(state, now.minus(Duration.ofDays(100))));
    }
    // A sealed job: its tombstone says one thing, its row (which wins) another.
    tombstones.put("j0", new Known("failed", now.minus(Duration.ofDays(100))));
    List<String> targets = new ArrayList<>(jobs.keySet());
    targets.addAll(tombstones.keySet());
    targets.add("ghost");
    List<Edge> edges = new ArrayList<>();
    for (int cycle = 0; cycle < (graph >= 150 ? 3 : graph % 2 == 0 ? 1 : 0); cycle++) {
      closeACycle(jobs, edges, random, 2 + random.nextInt(3), false);
    }
    if (graph >= 170) {
      // A long cycle of pending jobs, either side of the longest one detected (MAX_CYCLE).
      closeACycle(jobs, edges, random, MAX_CYCLE - 1 + random.nextInt(4), true);
    }
    for (String job : jobs.keySet()) {
      Set<String> seen = new HashSet<>();
      edges.stream()
          .filter(edge -> edge.job().equals(job))
          .forEach(edge -> seen.add(edge.dependency()));
      int count = random.nextInt(4);
      for (int k = 0; k < count; k++) {
        String dependency = targets.get(random.nextInt(targets.size()));
        if (!seen.add(dependency)) {
          continue;
        }
        List<String> accept = new ArrayList<>();
        if (random.nextInt(3) > 0) {
          accept.add("succeeded");
        }
        for (String state : ACCEPTABLE) {
          if (!state.equals("succeeded") && random.nextInt(5) == 0) {
            accept.add(state);
          }
        }
        if (accept.isEmpty()) {
          accept.add("succeeded");
        }
        edges.add(new Edge(job, dependency, accept));
      }
    }
    store(jobs, tombstones, edges);

    Map<String, Known> known = new TreeMap<>(tombstones);
    jobs.values().forEach(job -> known.put(job.id(), new Known(job.state(), job.finishedAt())));
    Instant threshold = now.minus(STUCK_AFTER);

    // invalid by a cycle: the edge lies on a cycle of at most MAX_CYCLE dependencies whose jobs
    // have all not started and none of whose edges is satisfied (a path back from the dependency
    // to the job through such edges closes it).
    Set<Edge> deadlocked = new HashSet<>();
    for (Edge edge : edges) {
      if (blocked(edge, jobs, known)
          && leadsBack(edge.dependency(), edge.job(), edges, jobs, known)) {
        deadlocked.add(edge);
      }
    }

    // job_unsatisfiable: a pending job with an invalid or unsatisfiable edge, propagated.
    Set<String> doomed = new TreeSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Edge edge : edges) {
        Job job = jobs.get(edge.job());
        Known dependency = known.get(edge.dependency());
        // An invalid or unsatisfiable edge: not satisfied, and its dependency ended or is doomed.
        boolean satisfied = dependency != null && edge.accept().contains(dependency.state());
        boolean bad =
            edge.job().equals(edge.dependency())
                || deadlocked.contains(edge)
                || (!satisfied
                    && ((dependency != null && TERMINAL.contains(dependency.state()))
                        || doomed.contains(edge.dependency())));
        if (PENDING.contains(job.state()) && bad && doomed.add(edge.job())) {
          grew = true;
        }
      }
    }
    Map<String, String> expectedWaits = new TreeMap<>();
    Map<String, List<String>> statusesOf = new TreeMap<>();
    for (Edge edge : edges) {
      Job job = jobs.get(edge.job());
      Known dependency = known.get(edge.dependency());
      String status;
      if (edge.job().equals(edge.dependency()) || deadlocked.contains(edge)) {
        status = "invalid";
      } else if (dependency != null && edge.accept().contains(dependency.state())) {
        status = "satisfied";
      } else if (dependency != null && TERMINAL.contains(dependency.state())) {
        status = "unsatisfiable";
      } else if (doomed.contains(edge.dependency())) {
        status = "unsatisfiable";
      } else if (!PENDING.contains(job.state())) {
        status = "not_waited_for";
      } else if (dependency == null && job.submittedAt().isBefore(threshold)) {
        status = "unknown";
      } else {
        status = "waiting";
      }
      expectedWaits.put(
          edge.job() + "->" + edge.dependency(),
          status + (doomed.contains(edge.job()) ? " (job can never run)" : ""));
      statusesOf.computeIfAbsent(edge.job(), id -> new ArrayList<>()).add(status);
    }
    Map<String, String> expectedStuck = new TreeMap<>();
    for (Map.Entry<String, List<String>> entry : statusesOf.entrySet()) {
      Job job = jobs.get(entry.getKey());
      boolean waitsOnDependencies =
          job.state().equals("submitted")
              || (job.state().equals("waiting")
                  && (job.reason() == null || job.reason().equals("dependencies")));
      if (!waitsOnDependencies || doomed.contains(job.id())) {
        continue;
      }
      if (entry.getValue().contains("unknown")) {
        expectedStuck.put(job.id(), "unknown_dependency");
        continue;
      }
      boolean allEnded = true;
      Instant lastEnd = null;
      for (Edge edge : edges) {
        if (!edge.job().equals(job.id())) {
          continue;
        }
        Known dependency = known.get(edge.dependency());
        boolean satisfiedAndEnded =
            !edge.job().equals(edge.dependency())
                && dependency != null
                && edge.accept().contains(dependency.state())
                && TERMINAL.contains(dependency.state());
        allEnded &= satisfiedAndEnded;
        if (satisfiedAndEnded && (lastEnd == null || dependency.finishedAt().isAfter(lastEnd))) {
          lastEnd = dependency.finishedAt();
        }
      }
      if (allEnded && lastEnd.isBefore(threshold) && job.submittedAt().isBefore(threshold)) {
        expectedStuck.put(job.id(), "dependencies_ended");
      }
    }

    String context =
        "graph " + graph + ": jobs " + jobs + ", tombstones " + tombstones + ", edges " + edges;
    assertThat(waits()).as(context).isEqualTo(expectedWaits);
    assertThat(stuck()).as(context).isEqualTo(expectedStuck);
    StateQueries.Waits counts = database.jdbi().withHandle(StateQueries::waitsByService);
    assertThat(counts.unsatisfiable().stream().mapToLong(StateQueries.Count::count).sum())
        .as(context)
        .isEqualTo(doomed.size());
    assertThat(counts.stuck().stream().mapToLong(StateQueries.Count::count).sum())
        .as(context)
        .isEqualTo(expectedStuck.size());
    return deadlocked.isEmpty() ? 0 : 1;
  }

  /**
   * Links {@code length} jobs into a cycle (an edge already there stays as it is), most of them
   * pending (so most such cycles are deadlocks), some edges accepting more than {@code succeeded}
   * (so some cycles are let through); {@code allPending}: every one pending, accepting only {@code
   * succeeded}.
   */
  private static void closeACycle(
      Map<String, Job> jobs, List<Edge> edges, Random random, int length, boolean allPending) {
    List<String> members = new ArrayList<>(jobs.keySet());
    Collections.shuffle(members, random);
    members = members.subList(0, Math.min(members.size(), length));
    List<String> pending = List.copyOf(new TreeSet<>(PENDING));
    for (String member : members) {
      Job job = jobs.get(member);
      if ((allPending || random.nextInt(4) > 0) && !PENDING.contains(job.state())) {
        jobs.put(
            member,
            new Job(
                member,
                pending.get(random.nextInt(pending.size())),
                job.submittedAt(),
                null,
                null));
      }
    }
    for (int i = 0; i < members.size(); i++) {
      String job = members.get(i);
      String dependency = members.get((i + 1) % members.size());
      if (edges.stream().anyMatch(e -> e.job().equals(job) && e.dependency().equals(dependency))) {
        continue;
      }
      List<String> accept = new ArrayList<>(List.of("succeeded"));
      if (!allPending && random.nextInt(5) == 0) {
        accept.add(STATES.get(random.nextInt(STATES.size())));
      }
      edges.add(new Edge(job, dependency, List.copyOf(accept)));
    }
  }

  /** An edge a deadlock can run through: between two jobs that have not started, not satisfied. */
  private static boolean blocked(Edge edge, Map<String, Job> jobs, Map<String, Known> known) {
    Job job = jobs.get(edge.job());
    Job dependency = jobs.get(edge.dependency());
    return !edge.job().equals(edge.dependency())
        && dependency != null
        && PENDING.contains(job.state())
        && PENDING.contains(dependency.state())
        && !edge.accept().contains(known.get(edge.dependency()).state());
  }

  /**
   * Whether {@code from} depends, through at most {@code MAX_CYCLE - 1} blocked edges, on {@code
   * to}: with the edge from {@code to} to {@code from}, a cycle of at most {@code MAX_CYCLE} jobs.
   */
  private static boolean leadsBack(
      String from, String to, List<Edge> edges, Map<String, Job> jobs, Map<String, Known> known) {
    Set<String> reached = new HashSet<>(Set.of(from));
    Set<String> frontier = Set.of(from);
    for (int length = 1; length < MAX_CYCLE && !frontier.isEmpty(); length++) {
      Set<String> next = new HashSet<>();
      for (Edge edge : edges) {
        if (frontier.contains(edge.job()) && blocked(edge, jobs, known)) {
          if (edge.dependency().equals(to)) {
            return true;
          }
          if (reached.add(edge.dependency())) {
            next.add(edge.dependency());
          }
        }
      }
      frontier = next;
    }
    return false;
  }

  private static long pick(Random random) {
    return MINUTES_AGO[random.nextInt(MINUTES_AGO.length)];
  }

  private static Instant now(Handle handle) {
    return handle.createQuery("SELECT now()").mapTo(OffsetDateTime.class).one().toInstant();
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private void store(Map<String, Job> jobs, Map<String, Known> tombstones, List<Edge> edges) {
    database
        .jdbi()
        .useTransaction(
            handle -> {
              handle.execute("TRUNCATE jobs, job_dependencies, job_tombstones");
              for (Job job : jobs.values()) {
                handle
                    .createUpdate(
                        "INSERT INTO jobs (job_id, service, state, attempt, submitted_at,"
                            + " finished_at, updated_at, waiting_reason)"
                            + " VALUES (:id, 'deps', :state, 1, :submitted, :finished, :updated,"
                            + " :reason)")
                    .bind("id", job.id())
                    .bind("state", job.state())
                    .bind("submitted", time(job.submittedAt()))
                    .bind("finished", time(job.finishedAt()))
                    .bind(
                        "updated",
                        time(job.finishedAt() != null ? job.finishedAt() : job.submittedAt()))
                    .bind("reason", job.reason())
                    .execute();
              }
              for (Map.Entry<String, Known> tombstone : tombstones.entrySet()) {
                handle
                    .createUpdate(
                        "INSERT INTO job_tombstones (job_id, state, attempt, finished_at,"
                            + " pruned_at) VALUES (:id, :state, 1, :finished, now())")
                    .bind("id", tombstone.getKey())
                    .bind("state", tombstone.getValue().state())
                    .bind("finished", time(tombstone.getValue().finishedAt()))
                    .execute();
              }
              for (Edge edge : edges) {
                handle
                    .createUpdate(
                        "INSERT INTO job_dependencies (job_id, depends_on, accept)"
                            + " VALUES (:job, :dep, :accept)")
                    .bind("job", edge.job())
                    .bind("dep", edge.dependency())
                    .bind("accept", edge.accept().toArray(String[]::new))
                    .execute();
              }
            });
  }

  private Map<String, String> waits() {
    Map<String, String> result = new TreeMap<>();
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT job_id, depends_on, status, job_unsatisfiable FROM job_waits")
                    .map(
                        (rs, ctx) ->
                            result.put(
                                rs.getString("job_id") + "->" + rs.getString("depends_on"),
                                rs.getString("status")
                                    + (rs.getBoolean("job_unsatisfiable")
                                        ? " (job can never run)"
                                        : "")))
                    .list());
    return result;
  }

  private Map<String, String> stuck() {
    Map<String, String> result = new LinkedHashMap<>();
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .createQuery("SELECT job_id, reason FROM stuck_jobs ORDER BY job_id")
                    .map((rs, ctx) -> result.put(rs.getString("job_id"), rs.getString("reason")))
                    .list());
    return new TreeMap<>(result);
  }
}
