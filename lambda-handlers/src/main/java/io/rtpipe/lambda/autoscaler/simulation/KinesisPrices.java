package io.rtpipe.lambda.autoscaler.simulation;

/**
 * Kinesis Data Streams list prices the simulation assumes, in USD.
 *
 * @param asOf                       when and where these prices were taken from, printed with every report
 * @param shardHour                  provisioned mode, per shard-hour
 * @param perMillionPutPayloadUnits  provisioned mode, per million PUT payload units (25 KB chunks of a record)
 * @param onDemandStreamHour         on-demand mode, per stream-hour
 * @param onDemandPerGbIn            on-demand mode, per GB written (records rounded up to 1 KB)
 * @param onDemandPerGbOut           on-demand mode, per GB read (per shared-throughput consumer)
 */
public record KinesisPrices(String asOf, double shardHour, double perMillionPutPayloadUnits,
                            double onDemandStreamHour, double onDemandPerGbIn, double onDemandPerGbOut) {

    /**
     * us-east-1 list prices as published on the AWS Kinesis Data Streams pricing page (our reading, 2026-11; not
     * re-checked against the live page from this build machine, which has no access to it). Assumptions, not quotes:
     * pass other prices for other regions or newer price lists.
     */
    public static final KinesisPrices US_EAST_1 = new KinesisPrices(
            "us-east-1 list prices as read in 2026-11; assumptions, verify before relying on them",
            0.015, 0.014, 0.04, 0.08, 0.04);

    public static final double PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
    public static final double ON_DEMAND_BILLING_UNIT_BYTES = 1024;
    public static final double GB = 1024.0 * 1024 * 1024;
}
