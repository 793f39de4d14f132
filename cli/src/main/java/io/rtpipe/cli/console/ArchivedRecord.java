package io.rtpipe.cli.console;

/**
 * A dead letter or late record as the browser lists it.
 *
 * @param kind    {@code deadletter} or {@code late}
 * @param arrival when Kinesis received the record (ISO-8601)
 * @param detail  a dead letter's reason, or a late record's metric and window
 * @param data    the payload as text (at most {@link ArchiveWatch#DATA_CHARS} characters; binary payloads as base64)
 * @param object  the S3 key of the interval object holding it
 */
record ArchivedRecord(String kind, String shardId, String sequenceNumber, String arrival, String detail, String data,
                      String object) {}
