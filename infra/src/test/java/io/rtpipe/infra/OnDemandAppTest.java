package io.rtpipe.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app in on-demand stream mode without the analytics Lambda (its default), and its asset checks. */
class OnDemandAppTest {

    @TempDir
    static Path tmp;

    private static RtpipeApp.Stacks stacks;
    private static Path assets;

    @BeforeAll
    static void synth() {
        assets = TestApps.assets(tmp.resolve("assets"));
        App app = TestApps.app(tmp.resolve("cdk.out"));
        stacks = RtpipeApp.build(app, TestApps.settings(assets).streamMode(InfraSettings.StreamMode.ON_DEMAND)
                .prefix("odm").build());
        app.synth();
    }

    @Test
    void cdkNagReportsNothingUnsuppressedInThisModeEither() {
        for (Stack stack : List.of(stacks.stream(), stacks.storage(), stacks.consumer(), stacks.functions(),
                stacks.monitoring(), stacks.query())) {
            Annotations annotations = Annotations.fromStack(stack);
            assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
            assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        }
    }

    @Test
    void streamIsOnDemandWithoutShardCount() {
        Template t = Template.fromStack(stacks.stream());
        t.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "odm-events",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
                "ShardCount", Match.absent()));
    }

    @Test
    void autoscalerOnlyReportsAndMayNotReshard() {
        Template t = Template.fromStack(stacks.functions());
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", FunctionsStack.AUTOSCALER_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("SCALING_ENABLED", "false")))));
        assertThat(t.toJSON().toString()).doesNotContain("kinesis:UpdateShardCount");
        t.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
        t.resourceCountIs("AWS::SQS::Queue", 0);
        // Stream and autoscaler alarms (4) and the consumer's own three; none of the analytics Lambda's.
        Template.fromStack(stacks.monitoring()).resourceCountIs("AWS::CloudWatch::Alarm", 7);
        Template.fromStack(stacks.monitoring()).hasResourceProperties("AWS::CloudWatch::Dashboard",
                Map.of("DashboardName", "odm-pipeline"));
    }

    @Test
    void missingAssetsFailWithOneSentenceSayingWhatToDo() {
        App app = TestApps.app(tmp.resolve("unused.out"));
        assertThatThrownBy(() -> RtpipeApp.build(app, TestApps.settings(assets)
                .lambdaJar(tmp.resolve("nope.jar").toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Lambda jar not found at")
                .hasMessageContaining("-c rtpipe:lambdaJar=PATH");
        App other = TestApps.app(tmp.resolve("unused2.out"));
        assertThatThrownBy(() -> RtpipeApp.build(other, TestApps.settings(assets)
                .consumerImageDirectory(tmp.toString()).build()))
                .hasMessageContaining("Consumer Dockerfile not found at");
        assertThat(List.of(app, other)).hasSize(2);
    }
}
