/**
 * The {@link io.rtpipe.producer.RecordProducer} contract on the Kinesis Producer Library 1.x (its native daemon):
 * {@link io.rtpipe.producer.kpl.KplProducer} with {@link io.rtpipe.producer.kpl.KplConfig}. An alternative to the
 * pure-Java producer for teams that already run the KPL, and the baseline the benchmark compares against.
 */
package io.rtpipe.producer.kpl;
