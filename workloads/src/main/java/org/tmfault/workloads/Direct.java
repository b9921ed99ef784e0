package org.tmfault.workloads;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct memory: user code that keeps {@link ByteBuffer#allocateDirect} buffers, the way a
 * client library with its own off-heap buffers does. The JVM's limit is
 * {@code -XX:MaxDirectMemorySize} = framework off-heap + task off-heap + network memory (the
 * network part is already taken by Flink's buffer pool at TM start), so the room user code really
 * has is roughly {@code taskmanager.memory.task.off-heap.size} plus whatever of the framework
 * off-heap Flink itself does not use.
 *
 * <p>Sized mode (default): every input record makes its task allocate and keep {@code --retain}
 * MiB in chunks of {@code --chunk-mib} MiB, touching every page; it then holds them for
 * {@code --hold-ms} and finishes. Total retained = {@code parallelism x retain} MiB. Fails with the
 * JVM's direct OOM when that does not fit; finishes when it does.
 *
 * <p>Leak mode ({@code --leak true}): every {@code --interval-ms} the task allocates another
 * {@code --chunk-mib} MiB and never lets go, for {@code --seconds} seconds. It grows without bound
 * while it runs (about chunk/interval MiB per second), so no direct-memory size that a real
 * machine can give survives it; a larger limit only delays the OOM.
 *
 * <p>This class never creates or throws an {@link OutOfMemoryError} and prints no symptom text:
 * the error, if any, comes from {@code java.nio.Bits.reserveMemory} in the JVM.
 */
public final class Direct {

    private static final long MIB = 1024L * 1024L;
    private static final int PAGE = 4096;

    private Direct() {}

    public static void main(String[] argv) throws Exception {
        Args args =
                Args.parse(
                        argv, "retain", "chunk-mib", "hold-ms", "leak", "interval-ms", "seconds",
                        "parallelism");
        int parallelism = args.getInt("parallelism", 1, 1);
        boolean leak = args.getBoolean("leak", false);
        Settings s =
                new Settings(
                        args.getMiB("retain", 256),
                        args.getInt("chunk-mib", leak ? 4 : 1, 1),
                        args.getLong("hold-ms", 1000, 0),
                        leak,
                        args.getLong("interval-ms", 10, 0),
                        args.getLong("seconds", 600, 1));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(parallelism);
        env.fromSequence(1, parallelism)
                .process(new Allocator(s))
                .name(leak ? "direct-leak" : "direct-retain");
        env.execute(("tmfault-direct " + String.join(" ", argv)).trim());
    }

    /** Immutable job settings, shipped to the task with the function. */
    static final class Settings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final long retainMib;
        final int chunkMib;
        final long holdMs;
        final boolean leak;
        final long intervalMs;
        final long seconds;

        Settings(long retainMib, int chunkMib, long holdMs, boolean leak, long intervalMs, long seconds) {
            this.retainMib = retainMib;
            this.chunkMib = chunkMib;
            this.holdMs = holdMs;
            this.leak = leak;
            this.intervalMs = intervalMs;
            this.seconds = seconds;
        }
    }

    /** Allocates and keeps direct buffers; the list lives as long as the task. */
    static final class Allocator extends ProcessFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Allocator.class);

        private final Settings s;
        private transient List<ByteBuffer> kept;
        private transient long keptBytes;

        Allocator(Settings s) {
            this.s = s;
        }

        @Override
        public void processElement(Long record, Context ctx, Collector<Long> out) throws Exception {
            if (kept == null) {
                kept = new ArrayList<>();
            }
            if (s.leak) {
                leak();
            } else {
                retain(s.retainMib * MIB);
                LOG.info("tmfault Direct: holding {} MiB in {} direct buffers", keptBytes / MIB, kept.size());
                Thread.sleep(s.holdMs);
            }
            out.collect(keptBytes / MIB);
        }

        private void retain(long bytes) {
            long target = keptBytes + bytes;
            while (keptBytes < target) {
                allocate((int) Math.min(s.chunkMib * MIB, target - keptBytes));
            }
        }

        private void leak() throws InterruptedException {
            long deadline = System.nanoTime() + s.seconds * 1_000_000_000L;
            long nextLog = 0;
            while (System.nanoTime() < deadline) {
                allocate((int) (s.chunkMib * MIB));
                if (keptBytes >= nextLog) {
                    LOG.info("tmfault Direct leak: {} MiB kept so far", keptBytes / MIB);
                    nextLog = keptBytes + 64 * MIB;
                }
                if (s.intervalMs > 0) {
                    Thread.sleep(s.intervalMs);
                }
            }
            LOG.info("tmfault Direct leak: ran {} s, {} MiB kept", s.seconds, keptBytes / MIB);
        }

        private void allocate(int bytes) {
            ByteBuffer b = ByteBuffer.allocateDirect(bytes);
            for (int off = 0; off < bytes; off += PAGE) {
                b.put(off, (byte) 1); // touch every page: resident, not just reserved
            }
            kept.add(b);
            keptBytes += bytes;
        }
    }
}
