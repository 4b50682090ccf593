package io.jobwatch.bench;

/**
 * What a generated workload contains, for the correctness checks; immutable.
 *
 * @param records all records published
 * @param lifecycleRecords of which on the lifecycle topic
 * @param jobs distinct job ids among valid job events (the expected row count of every jobs table)
 * @param duplicates re-published copies
 * @param poison records that are not JSON or break the schema
 */
public record WorkloadStats(
    long records, long lifecycleRecords, long jobs, long duplicates, long poison) {}
