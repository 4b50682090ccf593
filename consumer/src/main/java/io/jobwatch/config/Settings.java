package io.jobwatch.config;

import io.jobwatch.JobwatchException;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.stage.ErrorClassifier;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.RetentionPolicy;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Everything a jobwatch process is configured with, read from {@code JOBWATCH_*} environment
 * variables (README, "Configuration"). {@link #toString()} never shows secrets. Immutable.
 */
public record Settings(
    String kafkaBootstrap,
    String lifecycleTopic,
    String errorsTopic,
    String groupId,
    DbConfig db,
    int httpPort,
    Properties kafkaOverrides,
    int maxPollRecords,
    int maxRecordBytes,
    int maxNestingDepth,
    StagePolicy stagePolicy,
    Duration stuckAfter,
    Duration stateRefresh,
    int maxLabelValues,
    // issue 11.3 (helper "incremental"): JOBWATCH_HISTORY_CACHE_MB in bytes, was historyCacheJobs
    long historyCacheBytes,
    boolean asyncCommit,
    // issue 9 point 2 (clock skew) and issue 10 point 6 (dead-letter size cap), helper "edges"
    Duration maxClockSkew,
    int maxDeadLetterBytes,
    // issue 10.5 (metrics): event-derived label values quiet for this long give up their place
    Duration labelTtl,
    // Issue 11 (retention): how long stored rows are kept, and how often the pass runs.
    RetentionPolicy retention,
    // Issue 13 (operability): the HTTP listen address; blank means every interface.
    String httpBind,
    // Issue 12 point 2 (decoder): streaming validation, or the JSON Schema validator.
    EventDecoder.Validation validation) {

  private static final String KAFKA_PREFIX = "JOBWATCH_KAFKA_";

  /**
   * The database settings alone ({@code JOBWATCH_DB_*}), for commands that need nothing else and
   * must start fast ({@code jobwatch status}).
   */
  public static DbConfig database(Map<String, String> env) {
    return new DbConfig(
        text(env, "JOBWATCH_DB_URL", "jdbc:postgresql://localhost:5432/jobwatch"),
        text(env, "JOBWATCH_DB_USER", "jobwatch"),
        env.getOrDefault("JOBWATCH_DB_PASSWORD", ""),
        integer(env, "JOBWATCH_DB_POOL_SIZE", 4));
  }

  /**
   * Reads the settings for {@code consume}, after the checks that only the consumer needs: the
   * ranges of its numbers and durations and the Kafka properties it sets itself. {@code run} and
   * {@code emit} read the same environment through {@link #fromEnvironment} and must keep reporting
   * whatever a consumer-only setting says.
   */
  public static Settings forConsumer(Map<String, String> env) {
    requireConsumerSettings(env);
    return fromEnvironment(env);
  }

  private static final int MAX = Integer.MAX_VALUE;

  private record IntegerRule(String name, int min, int max) {}

  private record DurationRule(String name, String fallback, boolean positive) {}

  private static final List<IntegerRule> INTEGER_RULES =
      List.of(
          new IntegerRule("JOBWATCH_DB_POOL_SIZE", 1, MAX),
          new IntegerRule("JOBWATCH_STAGE_ERROR_THRESHOLD", 1, 31),
          new IntegerRule("JOBWATCH_STAGE_RECOVERY_THRESHOLD", 1, 31),
          new IntegerRule("JOBWATCH_HTTP_PORT", 0, 65_535),
          new IntegerRule("JOBWATCH_MAX_POLL_RECORDS", 1, MAX),
          new IntegerRule("JOBWATCH_MAX_RECORD_BYTES", 1, MAX),
          new IntegerRule("JOBWATCH_MAX_NESTING_DEPTH", 2, MAX),
          new IntegerRule("JOBWATCH_MAX_LABEL_VALUES", 1, MAX),
          new IntegerRule("JOBWATCH_HISTORY_CACHE_MB", 0, MAX),
          new IntegerRule("JOBWATCH_MAX_DEAD_LETTER_BYTES", 1, MAX));

  private static final List<DurationRule> DURATION_RULES =
      List.of(
          new DurationRule("JOBWATCH_STUCK_AFTER", "PT10M", false),
          new DurationRule("JOBWATCH_STATE_REFRESH", "PT5S", true),
          new DurationRule("JOBWATCH_MAX_CLOCK_SKEW", "PT5M", false),
          new DurationRule("JOBWATCH_LABEL_TTL", "PT24H", true),
          new DurationRule("JOBWATCH_RETAIN_EVENTS", "P30D", true),
          new DurationRule("JOBWATCH_RETAIN_JOBS", "P90D", true),
          new DurationRule("JOBWATCH_RETAIN_DEAD_LETTERS", "P30D", true),
          new DurationRule("JOBWATCH_RETAIN_TOMBSTONES", "P400D", true),
          new DurationRule("JOBWATCH_RETENTION_INTERVAL", "PT1H", false));

  /**
   * Refuses, naming the variable, a consumer setting out of its range and a {@code
   * JOBWATCH_KAFKA_*} property that exactly-once or the record types rest on.
   */
  static void requireConsumerSettings(Map<String, String> env) {
    for (IntegerRule rule : INTEGER_RULES) {
      String value = env.get(rule.name());
      if (value != null && !value.isBlank()) {
        int number = integer(env, rule.name(), 0);
        if (number < rule.min() || number > rule.max()) {
          throw new JobwatchException(
              rule.name()
                  + " must be "
                  + (rule.max() == MAX
                      ? "at least " + rule.min()
                      : "from " + rule.min() + " to " + rule.max())
                  + ", not "
                  + number);
        }
      }
    }
    for (DurationRule rule : DURATION_RULES) {
      checkedDuration(env, rule);
    }
    // Read as "anything but false is true"; a PostgreSQL-style off, 0 or no must not silently
    // keep synchronous_commit = off.
    String asyncCommit = env.get("JOBWATCH_DB_ASYNC_COMMIT");
    if (asyncCommit != null
        && !asyncCommit.isBlank()
        && !asyncCommit.strip().equalsIgnoreCase("true")
        && !asyncCommit.strip().equalsIgnoreCase("false")) {
      throw new JobwatchException(
          "JOBWATCH_DB_ASYNC_COMMIT must be true or false, not '" + asyncCommit + "'");
    }
    for (String name : new java.util.TreeSet<>(env.keySet())) {
      if (!name.startsWith(KAFKA_PREFIX)) {
        continue;
      }
      String property =
          name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
      String instead = RESERVED_KAFKA_PROPERTIES.get(property);
      if (instead != null) {
        throw new JobwatchException(
            name
                + " is not passed to the Kafka client: jobwatch sets "
                + property
                + " itself ("
                + instead
                + ")");
      }
    }
  }

  /** Reads the settings from an environment map (normally {@code System.getenv()}). */
  public static Settings fromEnvironment(Map<String, String> env) {
    requireLogSettings(env);
    Properties overrides = new Properties();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(KAFKA_PREFIX) && !name.equals("JOBWATCH_KAFKA_BOOTSTRAP")) {
            String property =
                name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            overrides.setProperty(property, value);
          }
        });
    Set<String> errorClasses = new HashSet<>(ErrorClassifier.DEFAULT_ERROR_CLASSES);
    String extra = env.get("JOBWATCH_ERROR_CLASSES");
    if (extra != null && !extra.isBlank()) {
      for (String errorClass : extra.split(",")) {
        errorClasses.add(errorClass.strip());
      }
    }
    StagePolicy policy =
        new StagePolicy(
            integer(env, "JOBWATCH_STAGE_ERROR_THRESHOLD", StagePolicy.DEFAULT_ERROR_THRESHOLD),
            integer(
                env, "JOBWATCH_STAGE_RECOVERY_THRESHOLD", StagePolicy.DEFAULT_RECOVERY_THRESHOLD),
            StagePolicy.DEFAULT_WINDOW,
            new ErrorClassifier(errorClasses));
    return new Settings(
        text(env, "JOBWATCH_KAFKA_BOOTSTRAP", "localhost:9092"),
        text(env, "JOBWATCH_LIFECYCLE_TOPIC", "jobwatch.lifecycle"),
        text(env, "JOBWATCH_ERRORS_TOPIC", "jobwatch.errors"),
        text(env, "JOBWATCH_GROUP_ID", "jobwatch"),
        database(env),
        integer(env, "JOBWATCH_HTTP_PORT", 9464),
        overrides,
        integer(env, "JOBWATCH_MAX_POLL_RECORDS", 2000),
        integer(env, "JOBWATCH_MAX_RECORD_BYTES", 1 << 20),
        integer(env, "JOBWATCH_MAX_NESTING_DEPTH", 32),
        policy,
        duration(env, "JOBWATCH_STUCK_AFTER", "PT10M"),
        duration(env, "JOBWATCH_STATE_REFRESH", "PT5S"),
        integer(env, "JOBWATCH_MAX_LABEL_VALUES", 500),
        (1L << 20) * integer(env, "JOBWATCH_HISTORY_CACHE_MB", 64),
        !"false".equalsIgnoreCase(env.getOrDefault("JOBWATCH_DB_ASYNC_COMMIT", "true").strip()),
        // issue 9 point 2 and issue 10 point 6, helper "edges"
        duration(env, "JOBWATCH_MAX_CLOCK_SKEW", "PT5M"),
        integer(env, "JOBWATCH_MAX_DEAD_LETTER_BYTES", 1 << 20),
        // issue 10.5 (metrics)
        duration(env, "JOBWATCH_LABEL_TTL", "PT24H"),
        // Issue 11 (retention)
        new RetentionPolicy(
            retentionDuration(env, "JOBWATCH_RETAIN_EVENTS"),
            retentionDuration(env, "JOBWATCH_RETAIN_JOBS"),
            retentionDuration(env, "JOBWATCH_RETAIN_DEAD_LETTERS"),
            retentionDuration(env, "JOBWATCH_RETAIN_TOMBSTONES"),
            retentionDuration(env, "JOBWATCH_RETENTION_INTERVAL"),
            RetentionPolicy.DEFAULT_STEP,
            RetentionPolicy.DEFAULT_DAYS_AHEAD),
        // Issue 13 (operability).
        env.getOrDefault("JOBWATCH_HTTP_BIND", "").strip(),
        // Issue 12 point 2 (decoder).
        EventDecoder.Validation.fromSetting(env.get("JOBWATCH_VALIDATION")));
  }

  // Issue 13 (operability): LoggingConfigurator reads JOBWATCH_LOG_FORMAT and JOBWATCH_LOG_LEVEL;
  // it falls back to text and INFO, so a typo would go unnoticed: an unknown value stops here.
  private static final Set<String> LOG_FORMATS = Set.of("text", "json");
  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  private static void requireLogSettings(Map<String, String> env) {
    String format = env.get("JOBWATCH_LOG_FORMAT");
    if (format != null && !format.isEmpty() && !LOG_FORMATS.contains(format)) {
      throw new JobwatchException(
          "JOBWATCH_LOG_FORMAT must be text or json (lower case), not '" + format + "'");
    }
    String level = env.get("JOBWATCH_LOG_LEVEL");
    if (level != null && !level.isEmpty() && !LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new JobwatchException(
          "JOBWATCH_LOG_LEVEL must be one of " + LOG_LEVELS + ", not '" + level + "'");
    }
  }

  /**
   * Kafka client properties that exactly-once, the stored offsets or the record types rest on: a
   * {@code JOBWATCH_KAFKA_*} setting of one is refused rather than silently obeyed.
   */
  private static final Map<String, String> RESERVED_KAFKA_PROPERTIES =
      Map.of(
          "bootstrap.servers", "use JOBWATCH_KAFKA_BOOTSTRAP",
          "group.id", "use JOBWATCH_GROUP_ID: offsets are stored in the database under it",
          "enable.auto.commit", "offsets are committed with each batch's transaction",
          "isolation.level", "only committed records are read",
          "auto.offset.reset",
              "offsets are stored in the database; a lost position resumes at the log start,"
                  + " counted",
          "max.poll.records", "use JOBWATCH_MAX_POLL_RECORDS",
          "key.deserializer", "records are read as bytes",
          "value.deserializer", "records are read as bytes",
          "key.serializer", "records are written as bytes",
          "value.serializer", "records are written as bytes");

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      // The message says it all; the parser's exception would only repeat it.
      throw new JobwatchException(name + " must be a whole number, not '" + value + "'");
    }
  }

  /** An ISO-8601 duration setting ({@code PT10M}, {@code P30D}), refused naming the variable. */
  /** A duration of {@link #DURATION_RULES}, refused naming its variable when out of range. */
  private static Duration checkedDuration(Map<String, String> env, DurationRule rule) {
    Duration duration = duration(env, rule.name(), rule.fallback());
    if (duration.isNegative() || (rule.positive() && duration.isZero())) {
      throw new JobwatchException(
          rule.name()
              + " must be "
              + (rule.positive() ? "above zero" : "zero or more")
              + ", not "
              + duration);
    }
    return duration;
  }

  /**
   * The retention setting {@code name}, checked by its rule: every command reads the settings (a
   * cron host's {@code jobwatch run} too), so an out-of-range value must be a setting error, not
   * the policy's IllegalArgumentException (a stack trace, and the run's exit code lost).
   */
  private static Duration retentionDuration(Map<String, String> env, String name) {
    for (DurationRule rule : DURATION_RULES) {
      if (rule.name().equals(name)) {
        return checkedDuration(env, rule);
      }
    }
    throw new IllegalArgumentException("no duration rule for " + name);
  }

  /**
   * A text setting: unset or blank is {@code fallback}, as for numbers and durations (a blank group
   * id, topic or server list is a template's empty variable, never meant literally).
   */
  private static String text(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static Duration duration(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    String text = value == null || value.isBlank() ? fallback : value.strip();
    try {
      return Duration.parse(text);
    } catch (DateTimeException notPlain) {
      // Duration.parse knows days but not weeks, which the contract's durations allow (P1W,
      // P1W2D, schemas/README.md): the date part is read as a Period, weeks as 7 days each.
      Period period;
      Duration time;
      try {
        int timeAt = text.toUpperCase(Locale.ROOT).indexOf('T');
        period = Period.parse(timeAt < 0 ? text : text.substring(0, timeAt));
        time = timeAt < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(timeAt));
      } catch (DateTimeException | ArithmeticException e) {
        throw new JobwatchException(
            name + " must be an ISO-8601 duration such as PT10M, P30D or P2W, not '" + value + "'");
      }
      if (period.getYears() != 0 || period.getMonths() != 0) {
        throw new JobwatchException(
            name
                + " must be in weeks, days, hours, minutes and seconds (years and months have no"
                + " fixed length; P365D for a year), not '"
                + value
                + "'");
      }
      return Duration.ofDays(period.getDays()).plus(time);
    }
  }

  /** A copy with another bootstrap, database, group and port (tests, demo and benchmark). */
  public Settings with(String bootstrap, DbConfig database, String group, int port) {
    return new Settings(
        bootstrap,
        lifecycleTopic,
        errorsTopic,
        group,
        database,
        port,
        kafkaOverrides,
        maxPollRecords,
        maxRecordBytes,
        maxNestingDepth,
        stagePolicy,
        stuckAfter,
        stateRefresh,
        maxLabelValues,
        historyCacheBytes,
        asyncCommit,
        maxClockSkew,
        maxDeadLetterBytes,
        labelTtl,
        retention,
        httpBind,
        validation);
  }

  /** A copy reading other topics. */
  public Settings withTopics(String lifecycle, String errors) {
    return new Settings(
        kafkaBootstrap,
        lifecycle,
        errors,
        groupId,
        db,
        httpPort,
        kafkaOverrides,
        maxPollRecords,
        maxRecordBytes,
        maxNestingDepth,
        stagePolicy,
        stuckAfter,
        stateRefresh,
        maxLabelValues,
        historyCacheBytes,
        asyncCommit,
        maxClockSkew,
        maxDeadLetterBytes,
        labelTtl,
        retention,
        httpBind,
        validation);
  }

  @Override
  public String toString() {
    return "Settings[kafka="
        + kafkaBootstrap
        + ", topics="
        + lifecycleTopic
        + ","
        + errorsTopic
        + ", group="
        + groupId
        + ", db="
        + db
        + ", httpPort="
        + httpPort
        + ", httpBind="
        + (httpBind.isEmpty() ? "*" : httpBind)
        + ", kafkaOverrides="
        + overrides()
        + "]";
  }

  /** Override names only: their values may be credentials (sasl.jaas.config, passwords). */
  private Set<String> overrides() {
    return kafkaOverrides.stringPropertyNames();
  }
}
