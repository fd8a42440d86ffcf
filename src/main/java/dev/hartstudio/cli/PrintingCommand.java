package dev.hartstudio.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A small command that prints to {@code out} and has {@code --help}; picocli reads the fields of subclasses too. */
abstract class PrintingCommand implements Callable<Integer> {

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    /** Where the command's results go. */
    final PrintStream out;

    PrintingCommand(PrintStream out) {
        this.out = out;
    }
}
