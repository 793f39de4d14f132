package io.rtpipe.deploytest;

import java.util.List;

/** Which template resource plays which part, found by the construct id the CDK app gives it. */
final class Roles {

    private Roles() {
    }

    /** StorageStack's {@code Results} table (its logical id is the construct id plus a hash). */
    static Templates.Resource resultsTable(Templates templates) {
        List<Templates.Resource> tables = templates.resources(EmulatorDeployment.TABLE).stream()
                .filter(t -> t.logicalId().matches("Results[0-9A-F]{8}"))
                .toList();
        if (tables.size() != 1) {
            throw new AssertionError("expected one results table (construct id Results) in the templates, found "
                    + templates.resources(EmulatorDeployment.TABLE));
        }
        return tables.get(0);
    }
}
