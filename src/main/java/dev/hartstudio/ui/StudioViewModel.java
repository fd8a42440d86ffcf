package dev.hartstudio.ui;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.ui.about.AboutViewModel;
import dev.hartstudio.ui.common.DesktopActions;
import dev.hartstudio.ui.common.ErrorReporter;
import dev.hartstudio.ui.common.TaskRunner;
import dev.hartstudio.ui.common.UserMessage;
import dev.hartstudio.ui.create.CreateViewModel;
import dev.hartstudio.ui.create.PromptCheckViewModel;
import dev.hartstudio.ui.create.ExportViewModel;
import dev.hartstudio.ui.create.MetadataDropViewModel;
import dev.hartstudio.ui.gallery.GalleryViewModel;
import dev.hartstudio.ui.create.ParametersViewModel;
import dev.hartstudio.ui.engine.BundleLocator;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.EngineOpener;
import dev.hartstudio.ui.engine.ModelPickerViewModel;
import dev.hartstudio.ui.engine.StudioEngine;
import dev.hartstudio.ui.history.HistoryViewModel;
import dev.hartstudio.ui.history.ResultSaver;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.GenerationQueue;
import dev.hartstudio.ui.queue.QueueViewModel;
import dev.hartstudio.ui.reconstruct.ReconstructViewModel;
import dev.hartstudio.ui.settings.SettingsViewModel;
import dev.hartstudio.ui.welcome.WelcomeViewModel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The studio's composition root: builds every view model over one task runner and one data
 * folder, and wires finished generations to the output folder and the history.
 */
public final class StudioViewModel {

    /**
     * What the studio is built from; tests pass a synchronous runner and a scripted engine.
     *
     * @param build this build (version, flavour) for the status bar and About
     * @param flavourHint how to get the GPU build when it would serve this machine better, or empty
     */
    public record Services(TaskRunner runner, EngineOpener opener, Path dataFolder, BundleLocator locator,
                           Clock clock, LongSupplier random, DesktopActions desktop, BuildInfo build,
                           String flavourHint) {

        /** This build, no flavour hint. */
        public Services(TaskRunner runner, EngineOpener opener, Path dataFolder, BundleLocator locator, Clock clock,
                LongSupplier random, DesktopActions desktop) {
            this(runner, opener, dataFolder, locator, clock, random, desktop, BuildInfo.current(), "");
        }
    }

    private final Services services;
    private final ErrorReporter errors;
    private final SettingsViewModel settings;
    private final EngineModel engine;
    private final GenerationQueue queue;
    private final ParametersViewModel parameters;
    private final CreateViewModel create;
    private final HistoryViewModel history;
    private final ModelPickerViewModel picker;
    private final StatusViewModel status;
    private final ResultSaver saver;
    private final ReconstructViewModel reconstruct;
    private final QueueViewModel queuePage;
    private final GalleryViewModel gallery;
    private final MetadataDropViewModel metadataDrop;
    private final ExportViewModel export;
    private final WelcomeViewModel welcome;
    private final AboutViewModel about;
    private final PromptCheckViewModel promptCheck;
    private final String settingsProblem;

    public StudioViewModel(Services services) {
        this.services = services;
        TaskRunner runner = services.runner();
        errors = new ErrorReporter(services.dataFolder().resolve(ErrorReporter.LOG_FILE));
        SettingsStore store = new SettingsStore(services.dataFolder());
        Settings initial = store.load();
        settingsProblem = store.lastProblem().orElse(null);
        settings = new SettingsViewModel(store, initial, runner, errors);
        engine = new EngineModel(runner, services.opener());
        queue = new GenerationQueue(runner, engine::engine);
        parameters = new ParametersViewModel(services.random());
        parameters.previewModeProperty().set(PreviewMode.valueOf(initial.previewMode()));
        parameters.previewModeProperty().addListener((o, a, m) -> settings.update(s -> s.withPreviewMode(m.name())));
        settings.settingsProperty().addListener((o, a, s) -> parameters.previewModeProperty().set(
                PreviewMode.valueOf(s.previewMode())));
        create = new CreateViewModel(parameters, queue, engine);
        promptCheck = new PromptCheckViewModel(runner, engine, parameters);
        history = new HistoryViewModel(new HistoryStore(services.dataFolder()), runner, errors, create);
        picker = new ModelPickerViewModel(engine, services.locator(), settings, runner, errors);
        status = new StatusViewModel(engine, queue, () -> Runtime.getRuntime().totalMemory()
                - Runtime.getRuntime().freeMemory(), () -> Runtime.getRuntime().maxMemory(), services.build().flavour(),
                services.flavourHint());
        welcome = new WelcomeViewModel(settings);
        about = new AboutViewModel(services.build(), engine);
        saver = new ResultSaver(services.clock());
        reconstruct = new ReconstructViewModel(runner, engine, errors);
        queuePage = new QueueViewModel(queue, parameters);
        gallery = new GalleryViewModel(runner, errors, services.desktop(), () -> settings.outputFolderBinding().get(),
                create);
        settings.outputFolderBinding().addListener((o, a, f) -> gallery.refresh());
        metadataDrop = new MetadataDropViewModel(runner, errors, parameters);
        export = new ExportViewModel(create, runner, errors);
        queue.onFinished(this::keep);
        queue.onFailure((job, e) -> errors.report("The generation failed.", e));
    }

    // Properties

    public ErrorReporter errors() {
        return errors;
    }

    public SettingsViewModel settings() {
        return settings;
    }

    public EngineModel engine() {
        return engine;
    }

    public GenerationQueue queue() {
        return queue;
    }

    public PromptCheckViewModel promptCheck() {
        return promptCheck;
    }

    public CreateViewModel create() {
        return create;
    }

    public HistoryViewModel history() {
        return history;
    }

    public ModelPickerViewModel picker() {
        return picker;
    }

    public ReconstructViewModel reconstruct() {
        return reconstruct;
    }

    public QueueViewModel queuePage() {
        return queuePage;
    }

    public GalleryViewModel gallery() {
        return gallery;
    }

    public MetadataDropViewModel metadataDrop() {
        return metadataDrop;
    }

    public ExportViewModel export() {
        return export;
    }

    public StatusViewModel status() {
        return status;
    }

    public WelcomeViewModel welcome() {
        return welcome;
    }

    public AboutViewModel about() {
        return about;
    }

    public Path dataFolder() {
        return services.dataFolder();
    }

    // Commands

    /** Reads the history and opens the start-up model. */
    public void start() {
        if (settingsProblem != null) {
            errors.show(new UserMessage(UserMessage.Severity.WARNING, settingsProblem, ""));
        }
        history.load();
        gallery.refresh();
        picker.startup();
    }

    /** Cancels everything and closes the engine (waits for the generation in flight to stop). */
    public void shutdown() {
        queue.cancelAll();
        engine.closeNow();
    }

    /** Saves a finished job's image with its metadata and adds it to the history. */
    private void keep(GenerationJob job) {
        var result = job.getResult();
        var model = job.model();
        var bundle = engine.engine().map(StudioEngine::bundle).orElse(null);
        Path folder = settings.outputFolderBinding().get();
        services.runner().submit(() -> saver.save(result, model, job.branchFromScale(), bundle, folder), saved -> {
            job.setSavedImage(saved.file());
            history.add(saved.entry(), saved.image());
            gallery.refresh();
        }, e -> errors.report("The image could not be saved to " + folder + ".", e));
    }
}
