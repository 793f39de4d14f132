package io.rtpipe.cli;

import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.task.ProgressException;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns exceptions into one sentence on stderr and an exit code. The stack trace is shown only with
 * {@code RTPIPE_DEBUG=1}, for bugs rather than for mistakes a user can fix.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        Explained explained = explain(ex);
        err.println(cli.getColorScheme().errorText("rtpipe: " + explained.sentence()));
        if (explained.bug() || "1".equals(System.getenv("RTPIPE_DEBUG"))) {
            if (explained.bug()) {
                err.println("This looks like a bug in rtpipe; the details follow (please report them).");
            }
            ex.printStackTrace(err);
        }
        err.flush();
        return explained.exitCode();
    }

    record Explained(String sentence, int exitCode, boolean bug) {}

    static Explained explain(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CliException cli) {
                return new Explained(cli.getMessage(), cli.exitCode(), false);
            }
            if (t instanceof ProgressException stored) {
                // Stored progress or results this spec must not use: the spec (or the table) is the mistake.
                return new Explained(stored.getMessage(), CliException.USAGE, false);
            }
            if (t instanceof ReferenceException table) {
                // A reference table that cannot be read or used: its sentence names the table and the problem.
                return new Explained(table.getMessage(), CliException.FAILED, false);
            }
            if (t instanceof NoSuchFileException missing) {
                return new Explained("no such file: " + missing.getFile(), CliException.USAGE, false);
            }
            if (t instanceof AccessDeniedException denied) {
                return new Explained("permission denied: " + denied.getFile(), CliException.USAGE, false);
            }
            if (t instanceof ResourceNotFoundException notFound) {
                return new Explained("not found: " + notFound.awsErrorDetails().errorMessage(), CliException.USAGE, false);
            }
            if (t instanceof SdkServiceException service) {
                return new Explained("AWS answered " + service.statusCode() + ": " + firstLine(service.getMessage()),
                        CliException.FAILED, false);
            }
            if (t instanceof SdkClientException client) {
                // Refused or timed-out connections (incl. a connection pool that could not connect in time) alike.
                boolean network = rootIsNetwork(client)
                        || String.valueOf(client.getMessage()).contains("Unable to execute HTTP request");
                return new Explained(network
                        ? "cannot reach the endpoint (" + firstLine(client.getMessage())
                                + "); check --endpoint/--region and that the service is running"
                        : "the AWS client failed: " + firstLine(client.getMessage()), CliException.FAILED, false);
            }
        }
        return new Explained(ex.getClass().getSimpleName() + ": " + firstLine(ex.getMessage()), CliException.FAILED, true);
    }

    private static boolean rootIsNetwork(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
