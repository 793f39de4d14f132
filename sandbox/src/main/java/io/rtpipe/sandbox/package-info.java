/**
 * A working local AWS (Kinesis, DynamoDB, S3, CloudWatch) for tests and {@code rtpipe local}.
 *
 * <p>{@link io.rtpipe.sandbox.Sandbox#start(io.rtpipe.sandbox.SandboxConfig)} returns a
 * {@link io.rtpipe.sandbox.LocalAws} whose {@code awsConfig()} points every service at the chosen backend; build
 * clients from it with {@code io.rtpipe.connectors.aws.AwsClients}. The backend is chosen by
 * {@code -Drtpipe.sandbox} or {@code RTPIPE_SANDBOX}: {@code emulators} (default: kinesis-mock, dynalite and S3Mock
 * as child processes, no Docker), {@code localstack} (Testcontainers, tests only; skipped without Docker) or
 * {@code aws} (a real account, opt-in, refused in CI). Tests use the JUnit 5 {@code SandboxExtension} of module sandbox-junit, which
 * also holds the LocalStack backend (Testcontainers), so the runnable cli jar carries neither.
 */
package io.rtpipe.sandbox;
