package org.tmfault.workloads;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retains objects on the JVM heap, as user state held in memory does.
 *
 * <pre>
 *   --retain &lt;size&gt;   heap to hold, MiB unless a unit is given (e.g. 300, 300m, 1g); default 100
 *   --hold-ms &lt;ms&gt;    how long to hold it once reached; default 2000
 * </pre>
 *
 * <p>One task (parallelism 1) allocates 1 MiB byte[] chunks, writes every page of each so the
 * memory is really committed, keeps them reachable until {@code --retain} is held, holds them
 * for {@code --hold-ms}, then releases them and the bounded job FINISHES.
 *
 * <p>It never throws OutOfMemoryError itself, never catches one, prints no symptom text and
 * never exits the JVM: if the heap is too small, the allocation fails in the JVM and Flink
 * fails the task with {@code java.lang.OutOfMemoryError: Java heap space}.
 */
public final class Heap {
    private Heap() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "retain", "hold-ms");
        long retainMiB = args.getMiB("retain", 100);
        long holdMs = args.getLong("hold-ms", 2000, 0);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(1, 1)
                .map(new RetainOnHeap(retainMiB, holdMs))
                .name("retain-" + retainMiB + "MiB-on-heap")
                .sinkTo(new DiscardingSink<>());
        env.execute("tmfault-heap retain=" + retainMiB + "MiB");
    }

    /** Holds {@code retainMiB} MiB in a field for {@code holdMs}, then lets go of it. */
    static final class RetainOnHeap extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(RetainOnHeap.class);
        private static final int CHUNK_BYTES = 1 << 20;
        private static final int PAGE_BYTES = 4096;

        private final long retainMiB;
        private final long holdMs;
        // a field, so the chunks stay reachable (no escape analysis can drop them)
        private transient List<byte[]> retained;

        RetainOnHeap(long retainMiB, long holdMs) {
            this.retainMiB = retainMiB;
            this.holdMs = holdMs;
        }

        @Override
        public Long map(Long value) throws Exception {
            retained = new ArrayList<>();
            LOG.info("retaining {} MiB on the heap (max heap {} bytes)",
                    retainMiB, Runtime.getRuntime().maxMemory());
            long checksum = 0;
            for (long i = 0; i < retainMiB; i++) {
                byte[] chunk = new byte[CHUNK_BYTES];
                for (int p = 0; p < CHUNK_BYTES; p += PAGE_BYTES) {
                    chunk[p] = (byte) (i + p);
                }
                retained.add(chunk);
                checksum += chunk[0];
                if ((i + 1) % 50 == 0) {
                    LOG.info("retained {} of {} MiB", i + 1, retainMiB);
                }
            }
            LOG.info("holding {} MiB for {} ms", retained.size(), holdMs);
            Thread.sleep(holdMs);
            long held = retained.size();
            retained = null;
            LOG.info("released {} MiB (checksum {})", held, checksum);
            return held;
        }

        @Override
        public void close() throws Exception {
            retained = null;
            super.close();
        }
    }
}
