package io.rtpipe.connectors.schema;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.Framing;

import java.util.EnumSet;

/**
 * Gives an engine configuration the schema registry its decoder reads: the Glue Schema Registry through the caller's
 * AWS configuration (region, credentials, the Glue endpoint as every other endpoint is set), or the Confluent
 * registry at the spec's {@code registry_url}. A configuration that reads none is returned as it is.
 */
public final class SchemaRegistries {
    private SchemaRegistries() {
    }

    /**
     * @throws IllegalArgumentException when the Glue registry is needed and the AWS configuration overrides the other
     *                                  endpoints but not Glue's (its calls would reach real AWS)
     */
    public static EngineConfig attach(EngineConfig config, AwsClients clients) {
        if (!config.decoder().readsRegistry() || !(config.decoder() instanceof DecoderSpec.Avro avro)) {
            return config;
        }
        if (avro.framing() == Framing.CONFLUENT) {
            return config.withSchemaRegistry(RetryingSchemaRegistry.of("the Confluent Schema Registry at "
                    + avro.registryUrl(), new ConfluentSchemaFetcher(avro.registryUrl())));
        }
        AwsClients glue = new AwsClients(withGlue(clients.config()));
        // The client lives as long as the process's engines: shards come and go, the registry stays.
        return config.withSchemaRegistry(RetryingSchemaRegistry.of("the Glue Schema Registry",
                new GlueSchemaFetcher(glue.glue())));
    }

    private static AwsConfig withGlue(AwsConfig aws) {
        if (aws.services().contains(AwsConfig.Service.GLUE)) {
            return aws;
        }
        if (aws.isLocal() && aws.glueEndpoint().isEmpty()) {
            throw new IllegalArgumentException("the spec's decoder reads the Glue Schema Registry, and the AWS "
                    + "endpoints are overridden for " + aws.services() + " but not for Glue: set "
                    + "AWS_ENDPOINT_URL_GLUE (or --glue-endpoint), else its calls would reach real AWS");
        }
        EnumSet<AwsConfig.Service> services = EnumSet.copyOf(aws.services());
        services.add(AwsConfig.Service.GLUE);
        return aws.toBuilder().services(services).build();
    }
}
