package dev.hartstudio.ui.common;

import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignD;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignG;
import org.kordamp.ikonli.materialdesign2.MaterialDesignH;
import org.kordamp.ikonli.materialdesign2.MaterialDesignI;
import org.kordamp.ikonli.materialdesign2.MaterialDesignL;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;
import org.kordamp.ikonli.materialdesign2.MaterialDesignV;
import org.kordamp.ikonli.materialdesign2.MaterialDesignW;

/** Every icon the studio shows, by meaning; the one place that names Ikonli codes. */
public enum Icon {
    GENERATE(MaterialDesignP.PLAY),
    CANCEL(MaterialDesignS.STOP),
    STOP_HERE(MaterialDesignF.FLAG_CHECKERED),
    DICE(MaterialDesignD.DICE_5),
    COPY(MaterialDesignC.CONTENT_COPY),
    HISTORY(MaterialDesignH.HISTORY),
    GALLERY(MaterialDesignV.VIEW_GRID_OUTLINE),
    QUEUE(MaterialDesignF.FORMAT_LIST_NUMBERED),
    RECONSTRUCT(MaterialDesignC.COMPARE),
    CREATE(MaterialDesignB.BRUSH),
    OPEN(MaterialDesignF.FOLDER_OPEN),
    IMPORT(MaterialDesignF.FILE_IMPORT_OUTLINE),
    DELETE(MaterialDesignT.TRASH_CAN_OUTLINE),
    ZOOM_IN(MaterialDesignM.MAGNIFY_PLUS),
    ZOOM_OUT(MaterialDesignM.MAGNIFY_MINUS),
    FIT(MaterialDesignF.FIT_TO_SCREEN),
    PIXEL_EXACT(MaterialDesignG.GRID),
    BRANCH(MaterialDesignS.SOURCE_BRANCH),
    SETTINGS(MaterialDesignC.COG),
    DARK(MaterialDesignW.WEATHER_NIGHT),
    LIGHT(MaterialDesignW.WHITE_BALANCE_SUNNY),
    RECALL(MaterialDesignR.RESTORE),
    RERUN(MaterialDesignR.REPLAY),
    UP(MaterialDesignA.ARROW_UP),
    DOWN(MaterialDesignA.ARROW_DOWN),
    CLOSE(MaterialDesignC.CLOSE),
    ENQUEUE(MaterialDesignP.PLAYLIST_PLUS),
    REMOVE_ALL(MaterialDesignP.PLAYLIST_REMOVE),
    CHIP(MaterialDesignC.CHIP),
    EXPORT(MaterialDesignE.EXPORT),
    ERROR(MaterialDesignA.ALERT_CIRCLE),
    INFO(MaterialDesignI.INFORMATION_OUTLINE),
    HELP(MaterialDesignH.HELP_CIRCLE_OUTLINE),
    SEARCH(MaterialDesignM.MAGNIFY),
    REVEAL(MaterialDesignF.FOLDER_SEARCH),
    CLIPBOARD(MaterialDesignC.CLIPBOARD_OUTLINE),
    IMAGE(MaterialDesignI.IMAGE_OUTLINE),
    HEATMAP(MaterialDesignF.FIRE),
    TOKENS(MaterialDesignV.VECTOR_SQUARE),
    LAYERS(MaterialDesignL.LAYERS_TRIPLE),
    ANIMATION(MaterialDesignM.MOTION_PLAY_OUTLINE),
    CHART(MaterialDesignC.CHART_BAR),
    TUNE(MaterialDesignT.TUNE_VARIANT),
    PREVIOUS(MaterialDesignC.CHEVRON_LEFT),
    NEXT(MaterialDesignC.CHEVRON_RIGHT),
    REFRESH(MaterialDesignR.REFRESH),
    DRAG(MaterialDesignD.DRAG);

    private final Ikon ikon;

    Icon(Ikon ikon) {
        this.ikon = ikon;
    }

    public Ikon ikon() {
        return ikon;
    }

    /** A new icon node (nodes cannot be shared between parents). */
    public FontIcon node() {
        FontIcon icon = new FontIcon(ikon);
        icon.getStyleClass().add("icon");
        return icon;
    }
}
