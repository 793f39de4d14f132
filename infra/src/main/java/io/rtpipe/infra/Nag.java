package io.rtpipe.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.constructs.IConstruct;

import java.util.List;

/** cdk-nag suppressions, each with the reason it is acceptable here. */
final class Nag {

    private Nag() {
    }

    /** Suppresses rule {@code id} (e.g. "AwsSolutions-IAM5") on {@code construct} and its children. */
    static void suppress(IConstruct construct, String id, String reason) {
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(id).reason(reason).build()), true);
    }

    /**
     * Suppresses rule {@code id} only for the listed findings: exact strings (e.g. "Resource::*") or
     * {@link #regex(String)}es.
     */
    static void suppress(IConstruct construct, String id, String reason, List<?> appliesTo) {
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(id).reason(reason).appliesTo(appliesTo).build()), true);
    }

    /** A finding pattern for {@link #suppress(IConstruct, String, String, List)}, in cdk-nag's /regex/ form. */
    static RegexAppliesTo regex(String pattern) {
        return RegexAppliesTo.builder().regex("/" + pattern + "/").build();
    }
}
