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
 * records of both children into one aggregate, which KCL then drops. rtpipe needs no shard map:
 * {@link io.rtpipe.producer.aggregation.HashKeyBuckets} cuts the 128-bit hash-key space into a fixed number of equal
 * ranges ("buckets"), and a user record goes to the bucket holding MD5 of its partition key. Each bucket has a fixed
 * short routing key whose MD5 lies in the bucket; the aggregate is put with that routing key as partition key, and
 * every user record in it carries MD5 of the routing key as its explicit hash key. Kinesis routes the aggregate to the
 * shard owning exactly that hash key, so every member is in range for KCL whatever the shard layout, before, during
 * and after a reshard; and a partition key's hash key never changes, so its events stay on one shard lineage, in
 * order. When shard ranges align with buckets (uniform splits, a bucket count that is a multiple of the shard count) a
 * key even lands on the shard it would reach unaggregated. Because it needs no explicit hash key on the Kinesis
 * record, any PutRecords producer can send these records.
 *
 * <p>The price: an aggregate only collects records of one bucket, so with B buckets a producer keeps up to B partly
 * filled aggregates open and each fills B times slower than one per stream would. Choose B about 8 times the number
 * of shards for an even spread (see {@link io.rtpipe.producer.aggregation.AggregationConfig#hashBuckets()}); changing
 * B moves keys to other hash keys, so change it only when a key's brief reordering across shards is acceptable.
 */
package io.rtpipe.producer.aggregation;
