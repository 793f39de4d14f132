package io.rtpipe.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module layering of docs/ARCHITECTURE.md, checked on the compiled main classes of every module (tests excluded:
 * they may reach across layers to set up what they check). Maven's dependency graph already stops a module from
 * compiling against one it does not declare; this test pins which declarations are allowed at all, so a new
 * dependency that breaks the architecture fails here instead of passing review.
 */
class LayeringTest {

    /** The modules whose main classes are checked, as directories beside this one. */
    private static final List<String> MODULES = List.of("contract", "core", "sql", "connectors", "sandbox", "testkit",
            "producer", "producer-kpl", "producer-sources", "consumer-kcl", "lambda-handlers", "cli", "reliability",
            "infra");

    private static final JavaClasses CLASSES = importMainClasses();

    private static JavaClasses importMainClasses() {
        List<Path> dirs = MODULES.stream().map(m -> Path.of("..", m, "target", "classes")).toList();
        for (Path dir : dirs) {
            assertThat(dir).as("compiled classes of %s (the build compiles every module before this one)", dir)
                    .isDirectory();
        }
        return new ClassFileImporter().importPaths(dirs);
    }

    @Test
    void everyModuleWasImported() {
        for (String module : MODULES) {
            Path classes = Path.of("..", module, "target", "classes", "io", "rtpipe");
            assertThat(Files.isDirectory(classes)).as("%s has classes under io/rtpipe", module).isTrue();
        }
        assertThat(CLASSES.containPackage("io.rtpipe.core.task")).isTrue();
        assertThat(CLASSES.containPackage("io.rtpipe.cli")).isTrue();
    }

    @Test
    void modulesDependOnlyOnTheLayersBelowThem() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("contract").definedBy("io.rtpipe.contract..")
                .layer("core").definedBy("io.rtpipe.core..")
                .layer("sql").definedBy("io.rtpipe.sql..")
                .layer("connectors").definedBy("io.rtpipe.connectors..")
                .layer("sandbox").definedBy("io.rtpipe.sandbox..")
                .layer("testkit").definedBy("io.rtpipe.testkit..")
                .layer("producer").definedBy("io.rtpipe.producer", "io.rtpipe.producer.kinesis..",
                        "io.rtpipe.producer.aggregation..", "io.rtpipe.producer.partition..")
                .layer("producer-kpl").definedBy("io.rtpipe.producer.kpl..")
                .layer("producer-sources").definedBy("io.rtpipe.producer.source..")
                .layer("consumer-kcl").definedBy("io.rtpipe.consumer..")
                .layer("lambda-handlers").definedBy("io.rtpipe.lambda..")
                .layer("cli").definedBy("io.rtpipe.cli..")
                .layer("reliability").definedBy("io.rtpipe.reliability..")
                .layer("infra").definedBy("io.rtpipe.infra..")

                .whereLayer("contract").mayNotAccessAnyLayer()
                .whereLayer("core").mayNotAccessAnyLayer()
                .whereLayer("sql").mayOnlyAccessLayers("core")
                .whereLayer("connectors").mayOnlyAccessLayers("contract", "core", "sql")
                .whereLayer("sandbox").mayOnlyAccessLayers("contract", "connectors")
                .whereLayer("testkit").mayOnlyAccessLayers("contract", "core", "connectors")
                .whereLayer("producer").mayOnlyAccessLayers("contract", "core", "connectors")
                .whereLayer("producer-kpl").mayOnlyAccessLayers("contract", "core", "connectors", "producer")
                .whereLayer("producer-sources").mayOnlyAccessLayers("contract", "core", "connectors", "producer")
                .whereLayer("consumer-kcl").mayOnlyAccessLayers("contract", "core", "connectors")
                .whereLayer("lambda-handlers").mayOnlyAccessLayers("contract", "core", "connectors")
                .whereLayer("cli").mayOnlyAccessLayers("contract", "core", "sql", "connectors", "sandbox", "testkit",
                        "producer", "producer-sources", "consumer-kcl")
                .whereLayer("reliability").mayOnlyAccessLayers("contract", "core", "sql", "connectors", "sandbox",
                        "testkit", "producer", "producer-sources", "consumer-kcl")
                .whereLayer("infra").mayOnlyAccessLayers("contract", "core", "sql");
        layers.check(CLASSES);
    }

    @Test
    void theEngineKnowsNothingOfAwsOrItsAdapters() {
        ArchRule rule = noClasses().that().resideInAPackage("io.rtpipe.core..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..",
                        "io.netty..", "picocli..")
                .because("core is the pure engine that tests run without AWS; adapters live in connectors");
        rule.check(CLASSES);
    }

    @Test
    void theTestDriverIsNotPartOfAnyRuntimePath() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("io.rtpipe.core.testing..", "io.rtpipe.testkit..",
                        "io.rtpipe.reliability..")
                .should().dependOnClassesThat().resideInAPackage("io.rtpipe.core.testing..")
                .because("EngineTestDriver's in-memory ports crash on command: only tests and the testkit use them");
        rule.check(CLASSES);
    }

    @Test
    void onlyTheSqlFrontEndParsesSql() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.rtpipe.sql..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.calcite..")
                .because("Calcite's parser is the SQL front-end's; everything else reads specs through SpecFiles");
        rule.check(CLASSES);
    }

    @Test
    void theNativeKplStaysOptIn() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.rtpipe.producer.kpl..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.kinesis.producer..")
                .because("the KPL's native daemon reaches only applications that add producer-kpl");
        rule.check(CLASSES);
    }
}
