package org.tmfault.workloads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * JobManager heap: user code in the job's {@code main()} that keeps a large object graph on the
 * heap, the way a main() that loads a lookup table, a big configuration or a schema registry
 * snapshot before building its pipeline does. In application mode {@code main()} runs inside the
 * JobManager, so this memory is the JobManager's JVM heap ({@code jobmanager.memory.heap.size},
 * {@code -Xmx}).
 *
 * <pre>
 *   --retain &lt;size&gt;   heap to hold, MiB unless a unit is given (300, 300m, 1g); default 256
 *   --hold-ms &lt;ms&gt;    how long to hold it before the job is submitted; default 500
 *   --records &lt;n&gt;     records of the small job; default 1000
 * </pre>
 *
 * <p>{@code main()} allocates 1 MiB {@code byte[]} chunks, writes every page of each (really
 * committed), keeps them reachable in a local list until {@code --retain} is held, holds them for
 * {@code --hold-ms}, then submits {@link JmSmallJob} with the chunks still reachable and uses
 * them again after the job ends, so they live for the whole application.
 *
 * <p>It never throws, creates or catches an {@link OutOfMemoryError}, prints no symptom text and
 * never exits the JVM: when the JobManager heap is too small, {@code new byte[]} fails in the JVM
 * with {@code java.lang.OutOfMemoryError: Java heap space}.
 */
public final class JmHeap {

    private static final Logger LOG = LoggerFactory.getLogger(JmHeap.class);
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int PAGE_BYTES = 4096;

    private JmHeap() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "retain", "hold-ms", "records");
        long retainMiB = args.getMiB("retain", 256);
        long holdMs = args.getLong("hold-ms", 500, 0);
        long records = args.getLong("records", 1000, 1);

        LOG.info("tmfault JmHeap: retaining {} MiB on the JobManager heap (max heap {} bytes)",
                retainMiB, Runtime.getRuntime().maxMemory());
        List<byte[]> retained = new ArrayList<>();
        long checksum = 0;
        for (long i = 0; i < retainMiB; i++) {
            byte[] chunk = new byte[CHUNK_BYTES];
            for (int p = 0; p < CHUNK_BYTES; p += PAGE_BYTES) {
                chunk[p] = (byte) (i + p);
            }
            retained.add(chunk);
            checksum += chunk[0];
            if ((i + 1) % 64 == 0) {
                LOG.info("tmfault JmHeap: retained {} of {} MiB", i + 1, retainMiB);
            }
        }
        LOG.info("tmfault JmHeap: holding {} MiB for {} ms", retained.size(), holdMs);
        Thread.sleep(holdMs);
        JmSmallJob.run("tmfault-jm-heap retain=" + retainMiB + "MiB", records);
        for (byte[] chunk : retained) {
            checksum += chunk[PAGE_BYTES];
        }
        LOG.info("tmfault JmHeap: job done with {} MiB still held (checksum {})", retained.size(), checksum);
    }
}
