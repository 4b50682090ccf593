-- The Kafka topic id (KIP-516) the stored offsets of each group and topic belong to. A topic
-- deleted and created again under the same name has a new id and its offsets start at 0 again: an
-- offset stored for the old topic means nothing in the new one, and once the new topic has grown
-- past it, reading from it skipped the new topic's first records without a word. The consumer
-- compares the ids when it takes partitions (and every 30 s); a different id discards the group's
-- stored offsets and progress of that topic, which is then read from its start
-- (docs/operators.md, "Kafka's own log"). A topic first seen by this version is recorded as is.
-- previous_topic_id is the id it replaced: a broker whose metadata is not yet up to date may still
-- name it, which must not reset the topic a second time.
CREATE TABLE consumer_topics (
    group_id    text        NOT NULL,
    topic       text        NOT NULL,
    topic_id    uuid        NOT NULL,
    previous_topic_id uuid,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic)
);

COMMENT ON TABLE consumer_topics IS
    'The Kafka topic id the stored consumer_offsets of a group and topic belong to';
