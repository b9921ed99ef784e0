package org.tmfault.workloads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * JobManager direct memory: user code in the job's {@code main()} that keeps
 * {@link ByteBuffer#allocateDirect} buffers, the way a client library used while building the
 * pipeline (an RPC or storage client with its own off-heap buffers) does. In application mode
 * {@code main()} runs inside the JobManager.
 *
 * <p>The JobManager's JVM has a direct-memory limit only when
 * {@code jobmanager.memory.enable-jvm-direct-memory-limit: true}: then Flink passes
 * {@code -XX:MaxDirectMemorySize = jobmanager.memory.off-heap.size}. With the default (false)
 * there is no flag, and the JDK caps direct memory at the maximum heap size ({@code -Xmx}).
 *
 * <pre>
 *   sized (default)
 *     --retain &lt;size&gt;     direct memory to hold, MiB unless a unit is given; default 64
 *     --chunk-mib &lt;n&gt;     buffer size in MiB; default 1
 *     --hold-ms &lt;ms&gt;      how long to hold it before the job is submitted; default 500
 *     --records &lt;n&gt;       records of the small job; default 1000
 *   leak (--leak true)
 *     --heap &lt;size&gt;       heap to retain first (1 MiB byte[]s, touched), MiB; default 0
 *     --chunk-mib &lt;n&gt;     buffer size in MiB; default 4
 *     --interval-ms &lt;ms&gt;  pause after each buffer; default 10
 *     --seconds &lt;s&gt;       how long to keep leaking; default 600
 * </pre>
 *
 * <p>Sized mode: {@code main()} allocates {@code --retain} MiB of touched direct buffers, holds
 * them, submits {@link JmSmallJob} with the buffers still reachable and uses them again after the
 * job, so they live for the whole application. With enough direct memory the job FINISHES.
 *
 * <p>Leak mode: {@code main()} first retains {@code --heap} MiB on the heap (so the heap pages
 * are resident, as a JobManager with real work has), then allocates another {@code --chunk-mib}
 * MiB direct buffer every {@code --interval-ms} and never lets go, for {@code --seconds}. It never
 * submits a job: it grows until something stops it. With a direct limit that is the JVM's
 * {@code OutOfMemoryError: Direct buffer memory}; without one, once heap + direct + the JVM's
 * native memory exceed the container, the kernel's OOM killer.
 *
 * <p>This class never creates, throws or catches an {@link OutOfMemoryError}, prints no symptom
 * text and never exits the JVM: the error, if any, comes from {@code java.nio.Bits.reserveMemory}
 * in the JVM, the kill from the kernel.
 */
public final class JmDirect {

    private static final Logger LOG = LoggerFactory.getLogger(JmDirect.class);
    private static final long MIB = 1024L * 1024L;
    private static final int PAGE = 4096;

    private JmDirect() {}

    public static void main(String[] argv) throws Exception {
        Args args =
                Args.parse(
                        argv, "retain", "chunk-mib", "hold-ms", "records", "leak", "heap",
                        "interval-ms", "seconds");
        boolean leak = args.getBoolean("leak", false);
        int chunkMib = args.getInt("chunk-mib", leak ? 4 : 1, 1);
        LOG.info("tmfault JmDirect: max heap {} bytes; {}", Runtime.getRuntime().maxMemory(),
                leak ? "leak mode" : "sized mode");
        if (leak) {
            leak(args.getMiB("heap", 0), chunkMib, args.getLong("interval-ms", 10, 0),
                    args.getLong("seconds", 600, 1));
            return;
        }
        long retainMib = args.getMiB("retain", 64);
        long holdMs = args.getLong("hold-ms", 500, 0);
        long records = args.getLong("records", 1000, 1);
        List<ByteBuffer> kept = new ArrayList<>();
        long keptBytes = 0;
        while (keptBytes < retainMib * MIB) {
            keptBytes += allocate(kept, (int) Math.min(chunkMib * MIB, retainMib * MIB - keptBytes));
        }
        LOG.info("tmfault JmDirect: holding {} MiB in {} direct buffers for {} ms",
                keptBytes / MIB, kept.size(), holdMs);
        Thread.sleep(holdMs);
        JmSmallJob.run("tmfault-jm-direct retain=" + retainMib + "MiB", records);
        long checksum = 0;
        for (ByteBuffer b : kept) {
            checksum += b.get(0);
        }
        LOG.info("tmfault JmDirect: job done with {} MiB still held (checksum {})", keptBytes / MIB, checksum);
    }

    private static void leak(long heapMib, int chunkMib, long intervalMs, long seconds)
            throws InterruptedException {
        List<byte[]> heap = new ArrayList<>();
        for (long i = 0; i < heapMib; i++) {
            byte[] chunk = new byte[(int) MIB];
            for (int p = 0; p < chunk.length; p += PAGE) {
                chunk[p] = 1;
            }
            heap.add(chunk);
        }
        LOG.info("tmfault JmDirect leak: {} MiB retained on the heap", heap.size());
        List<ByteBuffer> kept = new ArrayList<>();
        long keptBytes = 0;
        long nextLog = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            keptBytes += allocate(kept, (int) (chunkMib * MIB));
            if (keptBytes >= nextLog) {
                LOG.info("tmfault JmDirect leak: {} MiB kept so far", keptBytes / MIB);
                nextLog = keptBytes + 64 * MIB;
            }
            if (intervalMs > 0) {
                Thread.sleep(intervalMs);
            }
        }
        LOG.info("tmfault JmDirect leak: ran {} s, {} MiB direct and {} MiB heap kept",
                seconds, keptBytes / MIB, heap.size());
    }

    /** Allocates one touched direct buffer of {@code bytes}, keeps it; returns its size. */
    private static int allocate(List<ByteBuffer> kept, int bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes);
        for (int off = 0; off < bytes; off += PAGE) {
            b.put(off, (byte) 1); // touch every page: resident, not just reserved
        }
        kept.add(b);
        return bytes;
    }
}
