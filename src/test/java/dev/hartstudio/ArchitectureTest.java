package dev.hartstudio;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layers of docs/STYLE: engine and bundle know nothing of the UI; JSON stays in bundle. */
@AnalyzeClasses(packages = "dev.hartstudio", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule engineAndBundleDoNotUseJavaFx = noClasses()
            .that().resideInAnyPackage("dev.hartstudio.engine..", "dev.hartstudio.bundle..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..");

    @ArchTest
    static final ArchRule engineDoesNotParseJson = noClasses()
            .that().resideInAPackage("dev.hartstudio.engine..")
            .should().dependOnClassesThat().resideInAPackage("com.google.gson..")
            .because("the bundle layer owns JSON");

    @ArchTest
    static final ArchRule engineAndBundleDoNotUseUiOrCli = noClasses()
            .that().resideInAnyPackage("dev.hartstudio.engine..", "dev.hartstudio.bundle..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.hartstudio.ui..", "dev.hartstudio.cli..");

    @ArchTest
    static final ArchRule bundleDoesNotUseTheEngine = noClasses()
            .that().resideInAPackage("dev.hartstudio.bundle..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.hartstudio.engine..", "ai.onnxruntime..", "ai.djl..");

    @ArchTest
    static final ArchRule onlyTheEngineTouchesOnnxRuntime = noClasses()
            .that().resideOutsideOfPackage("dev.hartstudio.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
            .because("OrtException and native handles stay inside the engine");
}
