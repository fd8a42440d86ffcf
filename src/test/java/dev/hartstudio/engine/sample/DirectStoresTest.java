package dev.hartstudio.engine.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.hartstudio.engine.Ort;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class DirectStoresTest {

    @Test
    void anInputTensorIsAViewOfItsSlotFilledWithTheData() throws Exception {
        OrtEnvironment env = Ort.environment();
        DirectStores stores = new DirectStores();
        float[] data = {1, 2, 3, 4, 5, 6};
        try (OnnxTensor t = stores.input(env, DirectStores.Slot.COS, data, 2, 3)) {
            assertArrayEquals(new long[] {2, 3}, t.getInfo().getShape());
            float[] back = new float[6];
            t.getFloatBuffer().get(back);
            assertArrayEquals(data, back);
            // the tensor reads the slot itself: a write into the slot shows through it
            stores.floats(DirectStores.Slot.COS, 6).put(0, 42f);
            assertEquals(42f, t.getFloatBuffer().get(0));
        }
        // another slot is other memory
        stores.floats(DirectStores.Slot.SIN, 6).put(0, 7f);
        assertEquals(42f, stores.floats(DirectStores.Slot.COS, 6).get(0));
    }

    @Test
    void aPrefixTensorHoldsTheFirstRowsOfLongerData() throws Exception {
        DirectStores stores = new DirectStores();
        float[] data = {1, 2, 3, 4, 5, 6, 7, 8};
        try (OnnxTensor t = stores.prefix(Ort.environment(), DirectStores.Slot.COS, data, 1, 3)) {
            assertArrayEquals(new long[] {1, 3}, t.getInfo().getShape());
            float[] back = new float[3];
            t.getFloatBuffer().get(back);
            assertArrayEquals(new float[] {1, 2, 3}, back);
        }
    }

    @Test
    void anOutputTensorHasTheShapeAndReadsWhatIsWrittenIntoTheSlot() throws Exception {
        DirectStores stores = new DirectStores();
        try (OnnxTensor t = stores.output(Ort.environment(), DirectStores.Slot.IMAGE, 1, 3, 2, 2)) {
            assertArrayEquals(new long[] {1, 3, 2, 2}, t.getInfo().getShape());
            FloatBuffer slot = stores.floats(DirectStores.Slot.IMAGE, 12);
            assertEquals(12, slot.remaining());
            slot.put(11, -1.5f);
            assertEquals(-1.5f, t.getFloatBuffer().get(11));
        }
    }

    @Test
    void aSlotGrowsKeepsItsBufferForSmallerUsesAndGivesBackAHugeSurplus() {
        DirectStores stores = new DirectStores();
        stores.floats(DirectStores.Slot.H, 1000).put(0, 3f);
        FloatBuffer bigger = stores.floats(DirectStores.Slot.H, 5000);        // grows: a new buffer
        assertEquals(5000, bigger.remaining());
        bigger.put(0, 9f);
        assertEquals(9f, stores.floats(DirectStores.Slot.H, 10).get(0));      // smaller: the same buffer
        int huge = (int) (DirectStores.MAX_SPARE_BYTES / 4) + 2000;
        stores.floats(DirectStores.Slot.H, huge).put(0, 5f);
        assertEquals(5f, stores.floats(DirectStores.Slot.H, huge - 100).get(0));
        assertEquals(0f, stores.floats(DirectStores.Slot.H, 10).get(0));      // far smaller: replaced, fresh memory
    }
}
