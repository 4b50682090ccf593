package io.jobwatch.store;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL of the {@code dead_letters} table. Stateless and thread-safe. */
public final class DeadLettersTable {
  private static final String INSERT =
      """
      INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key, record_value,
                                reason, record_headers, truncated, original_bytes)
      VALUES (:topic, :partition, :offset, :key, :value, :reason, CAST(:headers AS jsonb),
              :truncated, :original_bytes)
      ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
      """;

  private DeadLettersTable() {}

  /** Stores dead letters; a re-delivered record keeps its first row. Poison is rare: one batch. */
  public static void insert(Handle handle, List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    PreparedBatch batch = handle.prepareBatch(INSERT);
    for (DeadLetter letter : letters) {
      batch
          .bind("topic", letter.topic())
          .bind("partition", letter.partition())
          .bind("offset", letter.offset())
          .bind("key", letter.key())
          .bind("value", letter.value())
          .bind("reason", letter.reason())
          .bind("headers", headersJson(letter.headers()))
          .bind("truncated", letter.truncated())
          .bind("original_bytes", letter.originalBytes())
          .add();
    }
    batch.execute();
  }

  /**
   * Headers as a JSON array of {"key": text, "value": base64 text or null}; {@code []} when the
   * record had none (NULL is left for rows stored before the column existed).
   */
  static String headersJson(List<DeadLetter.Header> headers) {
    List<Map<String, String>> array = new ArrayList<>(headers.size());
    for (DeadLetter.Header header : headers) {
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("key", header.key());
      entry.put(
          "value",
          header.value() == null ? null : Base64.getEncoder().encodeToString(header.value()));
      array.add(entry);
    }
    return Json.write(array);
  }
}
