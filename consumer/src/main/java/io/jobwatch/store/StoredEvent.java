package io.jobwatch.store;

import java.time.Instant;

/**
 * A row of {@code job_events}: an accepted event with where it came from and what it did. Immutable
 * and thread-safe.
 *
 * @param subject the job id, stage key ({@code service/runner/stage}) or monitor name it is about
 * @param outcome {@code applied} or {@code ignored} (changed nothing but the history)
 */
public record StoredEvent(
    String eventId,
    String jobId,
    String subject,
    String type,
    Instant time,
    String source,
    String outcome,
    String topic,
    int partition,
    long offset,
    String envelopeJson) {}
