package io.rtpipe.connectors.spec;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.schema.SchemaRegistries;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.sql.SpecFiles;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the metric spec a deployed component is told to run ({@code RTPIPE_METRICS_FILE}, {@code rtpipe consume
 * --metrics}): a local file, or an S3 object {@code s3://BUCKET/KEY}, which is how the CDK app ships the spec of
 * {@code rtpipe:metricsFile} to the consumer task and the analytics Lambda. The object is read with the S3 client of
 * the caller's {@link AwsClients}, so it has the same region, credentials and endpoint as every other S3 call.
 * YAML or SQL by the name's extension ({@link SpecFiles}; the CDK asset keeps the file's extension).
 *
 * <p>A mistake in the spec is core's located {@link SpecException}, naming the location as given
 * ({@code s3://b/k:3: metrics[0].window.size: found ...}); a spec that cannot be read at all is a
 * {@link SpecUnavailableException}, one sentence naming the location.
 */
public final class MetricSpecs {

    static final String S3_SCHEME = "s3://";

    private MetricSpecs() {
    }

    /**
     * @param location a file path, {@code s3://BUCKET/KEY}, or null or blank for the built-in
     *                 {@code events_per_minute}
     * @param clients  for an S3 location (a client is built and closed for the one read), and for the Glue Schema
     *                 Registry if the spec's decoder reads it ({@link SchemaRegistries})
     */
    public static EngineConfig load(String location, AwsClients clients) {
        if (location == null || location.isBlank()) {
            return EngineConfig.defaults();
        }
        String trimmed = location.trim();
        if (!isS3(trimmed)) {
            return SchemaRegistries.attach(loadFile(trimmed), clients);
        }
        try (S3Client s3 = clients.s3()) {
            return SchemaRegistries.attach(loadObject(trimmed, s3), clients);
        }
    }

    /** Whether {@code location} names an S3 object rather than a file. */
    public static boolean isS3(String location) {
        return location.regionMatches(true, 0, S3_SCHEME, 0, S3_SCHEME.length());
    }

    private static EngineConfig loadFile(String file) {
        if (!Files.isRegularFile(Path.of(file))) {
            throw new SpecUnavailableException(file + ": no such metric spec file.");
        }
        return SpecFiles.load(Path.of(file));
    }

    /** Reads and parses the object at {@code url} with {@code s3}. */
    static EngineConfig loadObject(String url, S3Client s3) {
        int slash = url.indexOf('/', S3_SCHEME.length());
        if (slash <= S3_SCHEME.length() || slash == url.length() - 1) {
            throw new SpecUnavailableException(url + " does not name an S3 object: expected s3://BUCKET/KEY.");
        }
        String bucket = url.substring(S3_SCHEME.length(), slash);
        String key = url.substring(slash + 1);
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            throw unreadable(url, "there is no such object (redeploy the stack that ships it, or fix the name)");
        } catch (NoSuchBucketException e) {
            throw unreadable(url, "there is no such bucket");
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                // With GetObject on the object alone (no ListBucket), S3 answers 403 for a missing key too.
                throw unreadable(url, "access denied (403): the role needs s3:GetObject on it, and S3 answers so "
                        + "as well when the object is missing and the role may not list the bucket");
            }
            throw unreadable(url, "S3 answered " + e.statusCode() + " ("
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()) + ")");
        } catch (SdkClientException e) {
            throw unreadable(url, "S3 could not be reached (" + e.getMessage() + ")");
        }
        return SpecFiles.parse(url, utf8(url, bytes));
    }

    private static String utf8(String url, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SpecException(url, 1, "", "bytes that are not UTF-8", "a UTF-8 YAML or SQL document");
        }
    }

    private static SpecUnavailableException unreadable(String url, String why) {
        return new SpecUnavailableException("Cannot read the metric spec " + url + ": " + why + ".");
    }
}
