package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one-sentence messages of a command line picocli cannot parse (what Args's tests asserted). */
class CliOptionsTest {

    private static CliRun bad(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(Cli.USAGE, r.status(), r.both());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        return r;
    }

    @Test
    void problemsNameTheOption() {
        assertEquals("generate: unknown option --cgf; see generate --help.", bad("generate", "--cgf", "1").err().strip());
        assertEquals("--cfg needs a value.", bad("generate", "--prompt", "x", "--cfg").err().strip());
        assertEquals("--cfg is given twice.", bad("generate", "--prompt", "x", "--cfg", "1", "--cfg", "2").err().strip());
        assertEquals("--greedy takes no value.", bad("generate", "--prompt", "x", "--greedy=yes").err().strip());
        assertEquals("--cfg NaN is outside the allowed range 0 .. 50.", bad("generate", "--prompt", "x", "--cfg", "NaN").err().strip());
        assertEquals("--n \"1.5\" is not a whole number; allowed: 1 .. 100000.", bad("bench", "--n", "1.5").err().strip());
        assertEquals("generate: unexpected argument \"x.png\"; see generate --help.", bad("generate", "x.png").err().strip());
    }

    @Test
    void aliasesAndTheEndOfOptionsWork() {
        CliRun r = CliRun.of("info", "--device", "cpu", "--", CliRun.BUNDLE.toString());
        assertEquals(0, r.status(), r.both());
        assertTrue(r.out().contains("provider     requested cpu"), r.out());
    }

    @Test
    void helpWinsOverEverythingElse() {
        CliRun r = CliRun.of("generate", "--nonsense", "-h");
        assertEquals(0, r.status(), r.both());
        assertTrue(r.out().startsWith("Usage: hart-studio generate"), r.out());
    }

    @Test
    void helpListsExamplesAndCompletionCoversTheCommands() {
        assertTrue(CliRun.of("help").out().contains("Examples:"));
        assertTrue(CliRun.of("bench", "--help").out().contains("Examples:"));
        CliRun completion = CliRun.of("completion");
        assertEquals(0, completion.status(), completion.both());
        assertTrue(completion.out().startsWith("#!/usr/bin/env bash"), completion.out());
        assertTrue(completion.out().contains("--branch-from") && completion.out().contains("bashcompinit"), "bash and zsh");
    }
}
