package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    private static Args parse(String... tokens) {
        return Args.parse("demo", List.of(tokens), Set.of("--cfg", "--provider|--device"), Set.of("--greedy"), true);
    }

    @Test
    void readsValuesSwitchesAliasesAndPositionals() {
        Args a = parse("x.png", "--cfg=4.5", "--greedy", "--device", "cpu", "--", "--odd.png");
        assertEquals(Optional.of(4.5), a.real("--cfg", 0, 50, "0 .. 50"));
        assertTrue(a.flag("--greedy"));
        assertEquals(Optional.of("cpu"), a.value("--provider"));
        assertEquals(List.of("x.png", "--odd.png"), a.positionals());
    }

    @Test
    void helpWinsOverEverythingElse() {
        assertTrue(parse("--nonsense", "-h").helpRequested());
    }

    @Test
    void problemsNameTheOption() {
        assertEquals("demo: unknown option --cgf; see demo --help.",
                assertThrows(UsageException.class, () -> parse("--cgf", "1")).getMessage());
        assertEquals("--cfg needs a value.", assertThrows(UsageException.class, () -> parse("--cfg")).getMessage());
        assertEquals("--cfg is given twice.",
                assertThrows(UsageException.class, () -> parse("--cfg", "1", "--cfg", "2")).getMessage());
        assertEquals("--greedy takes no value.", assertThrows(UsageException.class, () -> parse("--greedy=yes")).getMessage());
        assertEquals("--cfg NaN is outside the allowed range 0 .. 50.",
                assertThrows(UsageException.class, () -> parse("--cfg", "NaN").real("--cfg", 0, 50, "0 .. 50")).getMessage());
        assertEquals("--n \"1.5\" is not a whole number; allowed: 1 .. 10.",
                assertThrows(UsageException.class, () -> Args.parseInteger("--n", "1.5", 1, 10)).getMessage());
    }
}
