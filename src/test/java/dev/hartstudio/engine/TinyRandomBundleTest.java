package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The real tiny bundle the Python exporter writes; skipped until it is in the repository. */
@EnabledIf("tinyRandomPresent")
class TinyRandomBundleTest {

    static final Path TINY_RANDOM = Path.of("src/test/resources/bundles/tiny-random");

    static boolean tinyRandomPresent() {
        return Files.isRegularFile(TINY_RANDOM.resolve("manifest.json"));
    }

    @Test
    void bundleValidates() throws Exception {
        Bundle bundle = Bundle.open(TINY_RANDOM);
        assertEquals(bundle.manifest().model().scales(), bundle.schedule().scales().size());
    }

    @Test
    void everyGraphMatchesItsManifestDeclaration() throws Exception {
        Bundle bundle = Bundle.open(TINY_RANDOM);
        try (ProviderChoice cpu = new ProviderResolver().resolve(ExecutionProvider.CPU);
                BundleGraphs graphs = BundleGraphs.open(bundle, cpu)) {
            for (GraphRole role : GraphRole.values()) {
                assertEquals(role.required() || bundle.hasGraph(role), graphs.has(role), role.key());
            }
        }
    }

    @Test
    void promptsTokeniseToTheDeclaredLength() throws Exception {
        Bundle bundle = Bundle.open(TINY_RANDOM);
        try (TextEncoder encoder = TextEncoder.open(bundle)) {
            TokenizedPrompts p = encoder.encode(List.of("a red circle", "two blue squares on the left"));
            int t = bundle.manifest().text().maxPromptTokens();
            assertEquals(2 * t, p.positions().length);
            assertEquals(2 * p.sequenceLength(), p.inputIds().length);
            assertTrue(p.promptMask()[0] == 1, "first prompt token is real");
        }
    }
}
