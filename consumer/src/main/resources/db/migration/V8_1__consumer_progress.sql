-- Issue 10.3: how far each consumer has read each partition, so that the instance evaluating
-- monitors judges them against the stream's progress rather than the wall clock while the
-- pipeline is behind (docs/monitors.md, "Backlogs and outages"). Written by the owner of the
-- partition in the transaction of each batch, and every few seconds while it is caught up.
CREATE TABLE consumer_progress (
    group_id        text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    watermark       timestamptz,
    caught_up       boolean     NOT NULL,
    lag             bigint,
    reporter        text        NOT NULL,
    reported_at     timestamptz NOT NULL,
    PRIMARY KEY (group_id, topic, kafka_partition)
);

COMMENT ON COLUMN consumer_progress.watermark IS
    'Latest event time (bounded by the Kafka record timestamp) of the records committed';
COMMENT ON COLUMN consumer_progress.caught_up IS
    'Nothing was left to read in the partition when this was reported';
COMMENT ON COLUMN consumer_progress.reporter IS 'Kafka client id of the consumer that reported';

GRANT SELECT ON consumer_progress TO jobwatch_operator;
