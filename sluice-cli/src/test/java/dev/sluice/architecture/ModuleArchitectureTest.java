package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency arrows of design brief section 2, checked on the compiled classes of every module
 * this module sees (all but the benchmarks): storage knows nothing of the network, the broker
 * knows no protocol, client and server meet only in the protocol, and no module reaches into
 * another module's {@code internal} package. Maven's module dependencies already forbid most
 * wrong imports; these rules also catch the ones a new dependency would let in.
 */
class ModuleArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice");
    }

    @Test
    void recordCodecDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.sluice.record..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.storage..", "dev.sluice.broker..",
                        "dev.sluice.protocol..", "dev.sluice.server..", "dev.sluice.client..", "dev.sluice.cli..")
                .check(classes);
    }

    @Test
    void storageKnowsNothingOfTheNetworkOrTheBroker() {
        noClasses().that().resideInAPackage("dev.sluice.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.broker..", "dev.sluice.protocol..",
                        "dev.sluice.server..", "dev.sluice.client..", "io.netty..")
                .check(classes);
    }

    @Test
    void brokerKnowsNoProtocolAndNoNetwork() {
        noClasses().that().resideInAPackage("dev.sluice.broker..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.protocol..", "dev.sluice.server..",
                        "dev.sluice.client..", "io.netty..")
                .check(classes);
    }

    @Test
    void protocolDependsOnlyOnTheRecordCodec() {
        noClasses().that().resideInAPackage("dev.sluice.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.storage..", "dev.sluice.broker..",
                        "dev.sluice.server..", "dev.sluice.client..")
                .check(classes);
    }

    @Test
    void clientReachesTheBrokerOnlyThroughTheProtocol() {
        noClasses().that().resideInAPackage("dev.sluice.client..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.storage..", "dev.sluice.broker..",
                        "dev.sluice.server..")
                .check(classes);
    }

    @Test
    void serverNeverUsesTheClient() {
        noClasses().that().resideInAPackage("dev.sluice.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.client..", "dev.sluice.cli..")
                .check(classes);
    }

    @Test
    void noModuleUsesAnotherModulesInternals() {
        for (String module : new String[] {"storage", "broker", "protocol", "server", "client"}) {
            noClasses().that().resideOutsideOfPackage("dev.sluice." + module + "..")
                    .should().dependOnClassesThat().resideInAPackage("dev.sluice." + module + ".internal..")
                    .check(classes);
        }
    }
}
