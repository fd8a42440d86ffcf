package dev.hartstudio.ui;

import dev.hartstudio.ui.create.SeedMode;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.queue.GenerationJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * Demo mode ({@code -Dhartstudio.demo=OUT_DIR}, used by {@code scripts/screenshots}): drives the
 * real window through one generation and the other views and writes a PNG snapshot of each.
 * Exits the application when done.
 */
final class ScreenshotTour {

    private final Stage stage;
    private final StudioView view;
    private final StudioViewModel vm;
    private final Path out;
    private final Deque<Step> steps = new ArrayDeque<>();
    private Timeline ticker;
    private javafx.scene.control.Dialog<?> settingsDialog;
    private long waitingSince;

    private record Step(String name, BooleanSupplier ready, Runnable action) {
    }

    ScreenshotTour(Stage stage, StudioView view, StudioViewModel vm, Path out) {
        this.stage = stage;
        this.view = view;
        this.vm = vm;
        this.out = out;
    }

    void start() {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + out, e);
        }
        step("model", () -> vm.engine().getState() == EngineModel.State.READY, () -> {
            var p = vm.create().parameters();
            p.promptProperty().set("a large red striped circle in the center on a white background");
            p.seedModeProperty().set(SeedMode.FIXED);
            p.seedTextProperty().set("42");
            vm.queue().latestProperty().addListener((o, a, job) -> snapshotMidway(job));
            vm.create().generate();
        });
        step("finished", () -> latestDone(), () -> {
            view.preview().canvas().requestLayout();
        });
        step("settle", settle(600), () -> shoot("01-create-finished.png"));
        step("stage", () -> true, () -> vm.create().selectedStageProperty().set(3));
        step("settle", settle(300), () -> shoot("02-create-scale-4.png"));
        step("residual", () -> true, () -> {
            vm.create().selectedStageProperty().set(-1);
            vm.create().finalViewProperty().set(dev.hartstudio.ui.create.CreateViewModel.FinalView.RESIDUAL);
        });
        step("settle", settle(300), () -> shoot("03-create-residual.png"));
        step("dark", () -> true, () -> {
            vm.create().finalViewProperty().set(dev.hartstudio.ui.create.CreateViewModel.FinalView.HYBRID);
            vm.settings().toggleTheme();
        });
        step("settle", settle(400), () -> {
            shoot("04-create-dark.png");
            vm.settings().toggleTheme();
        });
        step("reconstruct", () -> true, () -> {
            view.show(StudioView.Page.RECONSTRUCT);
            vm.reconstruct().open(demoPicture());
        });
        step("reconstructed", () -> vm.reconstruct().stateProperty().get()
                == dev.hartstudio.ui.reconstruct.ReconstructViewModel.State.READY, () -> {
            vm.reconstruct().stepProperty().set(4);
            vm.reconstruct().showTokensProperty().set(true);
        });
        step("settle", settle(500), () -> shoot("05-reconstruct-tokens.png"));
        step("wipe", () -> true, () -> {
            vm.reconstruct().showTokensProperty().set(false);
            vm.reconstruct().wipeModeProperty().set(true);
            vm.reconstruct().wipeLeftProperty().set(dev.hartstudio.ui.reconstruct.ReconstructViewModel.Layer.ORIGINAL);
            vm.reconstruct().wipeRightProperty().set(dev.hartstudio.ui.reconstruct.ReconstructViewModel.Layer.DISCRETE);
            vm.reconstruct().wipeProperty().set(0.45);
        });
        step("settle", settle(400), () -> shoot("06-reconstruct-wipe.png"));
        step("error", () -> true, () -> {
            vm.reconstruct().wipeModeProperty().set(false);
            vm.reconstruct().showErrorProperty().set(true);
            vm.reconstruct().stepProperty().set(7);
        });
        step("settle", settle(400), () -> shoot("07-reconstruct-error.png"));
        step("queue", () -> true, () -> {
            vm.reconstruct().showErrorProperty().set(false);
            vm.create().parameters().seedModeProperty().set(SeedMode.FIXED);
            vm.queuePage().promptsProperty().set("a lighthouse on a cliff at dusk\na bowl of ramen, top view\n"
                    + "a watercolor fox in the snow");
            vm.queuePage().seedFromProperty().set("100");
            vm.queuePage().seedToProperty().set("102");
            view.show(StudioView.Page.QUEUE);
            vm.queuePage().enqueuePlan();
        });
        step("queue running", () -> {
            GenerationJob r = vm.queue().getRunning();
            return r != null && r.id() >= 3 && r.stages().size() >= 4;
        }, () -> shoot("08-queue.png"));
        step("queue done", () -> vm.queue().getRunning() == null && vm.queue().waitingProperty().get() == 0
                && vm.history().allEntries().size() >= 10, () -> view.show(StudioView.Page.GALLERY));
        step("gallery", () -> vm.gallery().visibleItems().size() >= 10, () ->
                vm.gallery().selectedProperty().set(vm.gallery().visibleItems().get(1)));
        step("settle", settle(1500), () -> shoot("09-gallery.png"));
        step("export", () -> true, () -> {
            view.show(StudioView.Page.CREATE);
            vm.create().show(vm.queue().latestProperty().get());
            vm.export().exportContactSheet(out.resolve("10-contact-sheet.png"));
            vm.export().exportGif(out.resolve("11-sequence.gif"));
        });
        step("dark viewer", settle(800), () -> {
            vm.settings().toggleTheme();
            view.show(StudioView.Page.RECONSTRUCT);
            vm.reconstruct().showErrorProperty().set(false);
            vm.reconstruct().stepProperty().set(2);
        });
        step("settle", settle(500), () -> {
            shoot("12-reconstruct-dark.png");
            vm.settings().toggleTheme();
        });
        step("settings", settle(300), () -> {
            var dialog = new dev.hartstudio.ui.settings.SettingsDialog(stage, vm.settings(),
                    String.valueOf(vm.errors().logFile()));
            dialog.show();
            settingsDialog = dialog;
        });
        step("settle", settle(500), () -> {
            shootNode(settingsDialog.getDialogPane().getScene(), "13-settings.png");
            settingsDialog.close();
        });
        step("prompt check", settle(300), () -> {
            view.show(StudioView.Page.CREATE);
            vm.create().parameters().promptProperty().set("a large red striped circle in the center on a white "
                    + "background, next to a small blue dotted square at the bottom left and a green star with a "
                    + "dragon above it");
        });
        step("settle", () -> vm.promptCheck().warningProperty().get() != null, () -> shoot("14-prompt-check.png"));
        step("done", settle(300), Platform::exit);
        ticker = new Timeline(new KeyFrame(Duration.millis(100), e -> tick()));
        ticker.setCycleCount(Timeline.INDEFINITE);
        waitingSince = System.currentTimeMillis();
        ticker.play();
    }

    /** A 640×400 landscape (sky, sun, hills, a tree) drawn with Java 2D: a non-square demo input. */
    private Path demoPicture() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(640, 400,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new java.awt.GradientPaint(0, 0, new java.awt.Color(70, 130, 225), 0, 260,
                new java.awt.Color(255, 214, 170)));
        g.fillRect(0, 0, 640, 400);
        g.setColor(new java.awt.Color(255, 196, 50));
        g.fillOval(420, 60, 90, 90);
        g.setColor(new java.awt.Color(96, 120, 170));
        g.fillPolygon(new int[] {0, 170, 330, 480, 640, 640, 0}, new int[] {260, 120, 240, 150, 250, 400, 400}, 7);
        g.setColor(new java.awt.Color(60, 140, 70));
        g.fillOval(-200, 250, 700, 300);
        g.setColor(new java.awt.Color(40, 110, 55));
        g.fillOval(300, 280, 600, 260);
        g.setColor(new java.awt.Color(110, 70, 40));
        g.fillRect(180, 230, 14, 70);
        g.setColor(new java.awt.Color(30, 100, 45));
        g.fillOval(150, 170, 75, 80);
        g.setColor(java.awt.Color.WHITE);
        g.fillOval(80, 60, 90, 30);
        g.fillOval(120, 45, 80, 40);
        g.dispose();
        Path file = out.resolve("demo-input-landscape.png");
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private boolean latestDone() {
        GenerationJob j = vm.queue().latestProperty().get();
        return j != null && j.getState().finished() && j.savedImageProperty().get() != null;
    }

    private void snapshotMidway(GenerationJob job) {
        if (job == null || job.id() != 1) {
            return;
        }
        boolean[] shot = {false};
        job.statusTextProperty().addListener((o, a, text) -> {
            if (!shot[0] && job.stages().size() == job.model().scales() - 2) {
                shot[0] = true;
                shoot("00-create-mid-generation.png");
            }
        });
    }

    private void step(String name, BooleanSupplier ready, Runnable action) {
        steps.add(new Step(name, ready, action));
    }

    private BooleanSupplier settle(long millis) {
        long[] start = {-1};
        return () -> {
            if (start[0] < 0) {
                start[0] = System.currentTimeMillis();
            }
            return System.currentTimeMillis() - start[0] >= millis;
        };
    }

    private void tick() {
        Step s = steps.peek();
        if (s == null) {
            ticker.stop();
            return;
        }
        if (s.ready().getAsBoolean()) {
            steps.poll();
            waitingSince = System.currentTimeMillis();
            s.action().run();
        } else if (System.currentTimeMillis() - waitingSince > 120_000) {
            System.err.println("screenshot tour: gave up waiting for step " + s.name());
            Platform.exit();
        }
    }

    private void shoot(String name) {
        shootNode(stage.getScene(), name);
    }

    private void shootNode(javafx.scene.Scene scene, String name) {
        WritableImage img = scene.snapshot(null);
        try {
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", out.resolve(name).toFile());
            System.out.println("wrote " + out.resolve(name));
        } catch (IOException e) {
            System.err.println("could not write " + name + ": " + e.getMessage());
        }
    }
}
