package io.rtpipe.connectors.reference;

import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.util.Optional;

/**
 * An S3 object. Its version is {@code s3-version:ID} in a versioned bucket, which can be read again by that id, else
 * {@code etag:TAG}, which can be read only while the object still has that ETag. A reload asks with If-None-Match,
 * so an unchanged object is not downloaded again.
 */
final class S3TableSource implements TableSource {
    static final String VERSION_ID = "s3-version:";
    static final String ETAG = "etag:";

    private final ReferenceSpec spec;
    private final ReferenceSpec.S3Object object;
    private final S3Client s3;

    S3TableSource(ReferenceSpec spec, ReferenceSpec.S3Object object, S3Client s3) {
        this.spec = spec;
        this.object = object;
        this.s3 = s3;
    }

    @Override
    public ReferenceTable newest(ReferenceTable current) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(object.bucket()).key(object.objectKey());
        if (current != null && current.version().startsWith(ETAG)) {
            request.ifNoneMatch("\"" + current.version().substring(ETAG.length()) + "\"");
        }
        try {
            return read(request.build());
        } catch (S3Exception e) {
            if (e.statusCode() == 304) {
                return current;
            }
            throw failure(e);
        } catch (SdkClientException e) {
            throw new ReferenceException(spec, "S3 could not be reached (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public Optional<ReferenceTable> version(String version) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(object.bucket()).key(object.objectKey());
        if (version.startsWith(VERSION_ID)) {
            request.versionId(version.substring(VERSION_ID.length()));
        } else if (version.startsWith(ETAG)) {
            request.ifMatch("\"" + version.substring(ETAG.length()) + "\"");
        } else {
            return Optional.empty();
        }
        try {
            ReferenceTable table = read(request.build());
            return table.version().equals(version) ? Optional.of(table) : Optional.empty();
        } catch (S3Exception e) {
            // 412: the ETag changed; 404/400: no such version (any more).
            if (e.statusCode() == 412 || e.statusCode() == 404 || e.statusCode() == 400) {
                return Optional.empty();
            }
            throw failure(e);
        }
    }

    private ReferenceTable read(GetObjectRequest request) {
        try (ResponseInputStream<GetObjectResponse> body = s3.getObject(request)) {
            GetObjectResponse response = body.response();
            Long length = response.contentLength();
            if (length != null && length > ReferenceSpec.MAX_BYTES) {
                body.abort();
                throw ReferenceTable.tooLarge(spec, length);
            }
            byte[] bytes = body.readNBytes((int) ReferenceSpec.MAX_BYTES + 1);
            String versionId = response.versionId();
            String version = versionId != null && !versionId.equals("null") ? VERSION_ID + versionId
                    : ETAG + response.eTag().replace("\"", "");
            return TableSource.parse(spec, version, bytes);
        } catch (IOException e) {
            throw new ReferenceException(spec, "could not be read from S3 (" + e.getMessage() + ")", e);
        }
    }

    private ReferenceException failure(S3Exception e) {
        if (e instanceof NoSuchKeyException) {
            return new ReferenceException(spec, "there is no such object", e);
        }
        if (e instanceof NoSuchBucketException) {
            return new ReferenceException(spec, "there is no such bucket", e);
        }
        if (e.statusCode() == 403) {
            return new ReferenceException(spec, "access denied (403): the role needs s3:GetObject and "
                    + "s3:GetObjectVersion on it", e);
        }
        return new ReferenceException(spec, "S3 answered " + e.statusCode() + " ("
                + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()) + ")", e);
    }
}
