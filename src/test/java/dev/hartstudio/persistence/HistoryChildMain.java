package dev.hartstudio.persistence;

import dev.hartstudio.persistence.history.HistoryStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second (or third) instance on one data folder, for {@code TwoInstancesTest}:
 * <ul>
 *   <li>{@code append DIR PREFIX N}: waits for a line on stdin (so that both start together), then
 *       appends {@code PREFIX-0 .. PREFIX-(N-1)}, each with a thumbnail;</li>
 *   <li>{@code delete DIR ID}: deletes one entry;</li>
 *   <li>{@code hold-then-append DIR ID}: opens the history, prints {@code loaded <count>}, waits for a
 *       line on stdin, then appends {@code ID} (the history it holds in memory is stale by then).</li>
 * </ul>
 * Prints {@code done} at the end.
 */
public final class HistoryChildMain {

    private HistoryChildMain() {
    }

    public static void main(String[] args) throws Exception {
        HistoryStore store = new HistoryStore(Path.of(args[1]));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "append" -> {
                store.entries();
                System.out.println("ready");
                System.out.flush();
                in.readLine();
                int n = Integer.parseInt(args[3]);
                for (int i = 0; i < n; i++) {
                    store.add(Samples.entry(args[2] + "-" + i), Samples.picture(24, i));
                }
            }
            case "delete" -> {
                if (!store.delete(args[2])) {
                    throw new IllegalStateException("no entry " + args[2]);
                }
            }
            case "hold-then-append" -> {
                System.out.println("loaded " + store.entries().size());
                System.out.flush();
                in.readLine();
                store.add(Samples.entry(args[2]), null);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("done");
        System.out.flush();
    }
}
