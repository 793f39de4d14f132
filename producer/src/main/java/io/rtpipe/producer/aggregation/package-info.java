/**
 * Packs many user records into one Kinesis record in the Kinesis Producer Library's aggregated-record format, so that
 * a shard's 1,000 records/s limit stops being the limit for small events and KCL de-aggregates without help.
 *
 * <p>Wire format of an aggregated Kinesis record: the magic bytes {@code F3 89 9A C2}, a protobuf
 * {@code AggregatedRecord}, and
 * the MD5 digest of that message. KCL hands each user record to the consumer with the aggregate's sequence number and
 * its index as sub-sequence number. The format itself (encoding and decoding) has one owner,
 * {@link io.rtpipe.connectors.kpl.AggregatedRecordFormat} in connectors; this package decides what goes together.
 *
 * <p><b>Routing.</b> KCL discards an aggregated record whole when any user record in it has an effective hash key
 * (its explicit hash key, else MD5 of its partition key) outside the hash range of the shard it was read from. So
 * every user record of an aggregate must belong to the shard the aggregate lands on. The KPL groups by a shard map
 * (ListShards) and keeps each user record's own hash key; after a split and before its map is refreshed it can pack
 * records of both children into one aggregate, which KCL then drops. rtpipe groups records into <em>lanes</em>, ranges
 * of hash keys ({@link io.rtpipe.producer.aggregation.HashKeyBuckets}): a user record goes to the lane holding MD5 of
 * its partition key. Each lane has a fixed short routing key whose MD5 lies in the lane; the aggregate is put with
 * that routing key as partition key, and every user record in it carries MD5 of the routing key as its explicit hash
 * key. Kinesis routes the aggregate to the shard owning exactly that hash key, so every member is in range for KCL
 * whatever the shard layout, before, during and after a reshard. Because it needs no explicit hash key on the Kinesis
 * record, any PutRecords producer can send these records.
 *
 * <p><b>Lanes.</b> By default there is one lane per open shard (ListShards when the producer starts): a key lands on
 * the shard it would reach unaggregated, an aggregate fills at its shard's rate, and since a lane hands its next
 * aggregate over only once the previous one completed, each shard gets its records in {@code send} order, retries
 * included; the lanes of different shards go concurrently. A lane whose aggregate is in flight fills the next one up
 * to 256 KiB, so one round trip per shard carries whatever arrived meanwhile. When an aggregate is acknowledged on
 * another shard than its lane's, the shards changed: the producer lists them again and moves to the new lanes once
 * the old lanes' aggregates completed (see {@link io.rtpipe.producer.aggregation.AggregatingProducer} for the order
 * kept then). {@link io.rtpipe.producer.aggregation.AggregationConfig#hashBuckets()} set to a count uses that many
 * fixed equal ranges instead (no ListShards; a key's hash key then never changes, so its records stay on one shard
 * lineage across reshards), at a price: a shard gets the aggregates of several lanes, each covering a stretch of the
 * input, so a file replayed at full speed reaches it out of order and a consumer may find events late.
 */
package io.rtpipe.producer.aggregation;
