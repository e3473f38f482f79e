package io.imgpipe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Core's layers: the SPI depends only on the root package (and the JDK), and no core package
 * depends on an adapter module. The rule that nothing outside core uses {@code io.imgpipe.internal}
 * needs every module on the classpath; it is in the example server's {@code ModuleLayersTest}.
 */
@AnalyzeClasses(packages = "io.imgpipe", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    /** Core's packages. */
    static final String[] CORE = {"io.imgpipe", "io.imgpipe.spi..", "io.imgpipe.csv..", "io.imgpipe.fetch..",
            "io.imgpipe.image..", "io.imgpipe.internal..", "io.imgpipe.local.."};

    /** The adapter modules' packages. */
    static final String[] ADAPTERS = {"io.imgpipe.s3..", "io.imgpipe.mongo..", "io.imgpipe.sql..", "io.imgpipe.server.."};

    @ArchTest
    static final ArchRule spiDependsOnlyOnTheRootPackageAndTheJdk = classes()
            .that().resideInAPackage("io.imgpipe.spi..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.imgpipe", "io.imgpipe.spi..", "java..")
            .because("a plug-in author needs only the root package and the SPI");

    @ArchTest
    static final ArchRule coreDependsOnNoAdapter = noClasses()
            .that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
            .because("adapters depend on core, never the other way");
}
