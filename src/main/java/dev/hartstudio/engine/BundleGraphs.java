package dev.hartstudio.engine;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every graph of a bundle, loaded with one {@link ProviderChoice} and checked against the manifest.
 * A load that fails half-way closes the graphs it already opened; {@link #close()} closes them all
 * in reverse order, even when one close fails. The provider choice stays the caller's to close,
 * after this.
 */
public final class BundleGraphs implements AutoCloseable {

    private final Map<GraphRole, OrtGraph> graphs;
    private final List<OrtGraph> openOrder;
    private boolean closed;

    private BundleGraphs(Map<GraphRole, OrtGraph> graphs, List<OrtGraph> openOrder) {
        this.graphs = graphs;
        this.openOrder = openOrder;
    }

    /**
     * Opens every graph {@code bundle} provides (every required role, and the optional ones present).
     *
     * @throws EngineException also for an fp16 bundle on the CPU provider (see {@link #fp16OnCpu})
     */
    public static BundleGraphs open(Bundle bundle, ProviderChoice provider) throws EngineException {
        if ("fp16".equals(bundle.manifest().precision()) && !provider.usesCuda()) {
            throw new EngineException(fp16OnCpu(bundle, provider));
        }
        Map<GraphRole, OrtGraph> graphs = new EnumMap<>(GraphRole.class);
        List<OrtGraph> opened = new ArrayList<>();
        try {
            for (GraphRole role : GraphRole.values()) {
                if (bundle.hasGraph(role)) {
                    OrtGraph graph = OrtGraph.open(provider, role, bundle.graphFile(role), bundle.graphSpec(role));
                    opened.add(graph);
                    graphs.put(role, graph);
                }
            }
        } catch (EngineException | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
        return new BundleGraphs(graphs, opened);
    }

    /**
     * Why an fp16 bundle is refused on the CPU: its half-precision products run there through slow
     * conversions and give other tokens than the fp32 bundle the reference checks, so the engine asks
     * for the fp32 bundle, which the exporter writes beside it.
     */
    static String fp16OnCpu(Bundle bundle, ProviderChoice provider) {
        String fp32 = bundle.manifest().fp32Bundle();
        String which = fp32 == null ? "the fp32 bundle of the same model" : "the fp32 bundle \"" + fp32 + "\"";
        return bundle.manifest().name() + " is an fp16 bundle, which runs only on the CUDA provider, and this machine "
                + "runs on the CPU (" + provider.reason() + "), so open " + which + " instead.";
    }

    public boolean has(GraphRole role) {
        return graphs.containsKey(role);
    }

    /** The graph of {@code role}; fails for an optional role the bundle lacks. */
    public OrtGraph get(GraphRole role) {
        OrtGraph graph = graphs.get(role);
        if (graph == null) {
            throw new IllegalStateException("the bundle has no " + role + " graph");
        }
        return graph;
    }

    /** Closes every graph in reverse load order; idempotent. The first failure is thrown, later ones suppressed. */
    @Override
    public synchronized void close() throws EngineException {
        if (closed) {
            return;
        }
        closed = true;
        EngineException failure = closeAll(openOrder, null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes {@code graphs} in reverse order; failures are added to {@code primary}, or returned. */
    private static EngineException closeAll(List<OrtGraph> graphs, Exception primary) {
        List<OrtGraph> reversed = new ArrayList<>(graphs);
        Collections.reverse(reversed);
        EngineException first = null;
        for (OrtGraph graph : reversed) {
            try {
                graph.close();
            } catch (EngineException | RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e instanceof EngineException ? (EngineException) e
                            : new EngineException("Closing " + graph + " failed: " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
