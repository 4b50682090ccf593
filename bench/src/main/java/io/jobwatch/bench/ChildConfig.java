package io.jobwatch.bench;

/**
 * What the parent tells one contender process: where to read and write, and how many records make
 * the run complete. Immutable; serialised as JSON into the child's argument file.
 *
 * @param contender the contender's name ({@link ContenderKind#wireName})
 * @param expectedRecords records the contender must have durably handled when it is done
 * @param maxPollRecords the consumer's max.poll.records
 * @param paced true in latency runs: records carry event time = publish time
 * @param warmupMillis paced runs: events published this long after the first are the warm-up
 * @param maxSeconds give up (and report a partial run) after this long
 */
public record ChildConfig(
    String contender,
    String bootstrap,
    String lifecycleTopic,
    String errorsTopic,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String group,
    long expectedRecords,
    int maxPollRecords,
    boolean paced,
    long warmupMillis,
    long maxSeconds,
    String workDir) {}
