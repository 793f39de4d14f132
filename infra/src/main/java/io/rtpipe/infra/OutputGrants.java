package io.rtpipe.infra;

import io.rtpipe.core.metric.OutputSpec;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.List;

/**
 * The rights the metric spec's {@code outputs:} need, granted to the role that publishes final results: one
 * statement per output, on exactly its target (a name is made an ARN of the stack's account and region; an ARN is
 * taken as written, for targets in other accounts or regions), so cdk-nag sees no wildcard.
 */
final class OutputGrants {

    private OutputGrants() {
    }

    static void grant(IRole role, List<OutputSpec> outputs) {
        Stack stack = Stack.of(role);
        for (OutputSpec output : outputs) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of(action(output.kind())))
                    .resources(List.of(arn(stack, output)))
                    .build());
        }
    }

    /** The one API call each output makes. */
    static String action(OutputSpec.Kind kind) {
        return switch (kind) {
            case KINESIS -> "kinesis:PutRecords";
            case FIREHOSE -> "firehose:PutRecordBatch";
            case LAMBDA -> "lambda:InvokeFunction";
            case SNS -> "sns:Publish";
            case EVENTBRIDGE -> "events:PutEvents";
        };
    }

    private static String arn(Stack stack, OutputSpec output) {
        if (output.target().startsWith("arn:")) {
            return output.target();
        }
        String name = output.target();
        ArnComponents arn = switch (output.kind()) {
            case KINESIS -> ArnComponents.builder().service("kinesis").resource("stream").resourceName(name).build();
            case FIREHOSE -> ArnComponents.builder().service("firehose").resource("deliverystream").resourceName(name)
                    .build();
            case LAMBDA -> ArnComponents.builder().service("lambda").resource("function").resourceName(name)
                    .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build();
            case SNS -> throw new IllegalStateException("an sns target is always a topic ARN (OutputSpec)");
            case EVENTBRIDGE -> ArnComponents.builder().service("events").resource("event-bus").resourceName(name)
                    .build();
        };
        return stack.formatArn(arn);
    }
}
