package io.imgpipe.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;

/**
 * The layer rule that needs every module on the classpath: nothing outside core uses
 * {@code io.imgpipe.internal} (not the adapters, not the server). Core's own rules are in core's
 * {@code LayersTest}.
 */
@AnalyzeClasses(packages = "io.imgpipe", importOptions = ModuleLayersTest.MainClassesOnly.class)
class ModuleLayersTest {

    /** Core's packages. */
    private static final String[] CORE = {"io.imgpipe", "io.imgpipe.spi..", "io.imgpipe.csv..", "io.imgpipe.fetch..",
            "io.imgpipe.image..", "io.imgpipe.internal..", "io.imgpipe.local.."};

    @ArchTest
    static final ArchRule nothingOutsideCoreUsesInternal = noClasses()
            .that().resideOutsideOfPackages(CORE)
            .should().dependOnClassesThat().resideInAPackage("io.imgpipe.internal..")
            .because("io.imgpipe.internal is not public API: it may change in any release");

    /** The modules' main classes: no test classes, whether in a directory or in a test jar. */
    static final class MainClassesOnly implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

        @Override
        public boolean includes(Location location) {
            return new DoNotIncludeTests().includes(location) && !location.matches(TEST_JAR);
        }
    }
}
