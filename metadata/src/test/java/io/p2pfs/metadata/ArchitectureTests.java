package io.p2pfs.metadata;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** How the metadata service's feature packages may depend on each other. */
class ArchitectureTests {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.p2pfs.metadata");

    @Test
    void featurePackagesAreFreeOfCycles() {
        // The rules below would pass on nothing: make sure the service's classes were found.
        org.junit.jupiter.api.Assertions.assertTrue(SERVICE.size() > 50, "classes imported: " + SERVICE.size());
        slices().matching("io.p2pfs.metadata.(*)..").should().beFreeOfCycles().check(SERVICE);
    }

    @Test
    void theCorePackageDependsOnNoFeature() {
        noClasses().that().resideInAPackage("io.p2pfs.metadata.core..").should().dependOnClassesThat(
                resideInAPackage("io.p2pfs.metadata..").and(not(resideInAPackage("io.p2pfs.metadata.core.."))))
                .check(SERVICE);
    }

    @Test
    void everyClassLivesInAFeaturePackage() {
        noClasses().should().resideInAPackage("io.p2pfs.metadata").check(SERVICE);
    }
}
