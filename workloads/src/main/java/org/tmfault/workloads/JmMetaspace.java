package org.tmfault.workloads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * JobManager metaspace: user code in the job's {@code main()} that generates classes while it
 * builds the pipeline, the way a main() that compiles rules, SQL or scripts into classes does.
 * In application mode {@code main()} runs inside the JobManager, whose metaspace is
 * {@code jobmanager.memory.jvm-metaspace.size} ({@code -XX:MaxMetaspaceSize}).
 *
 * <pre>
 *   --classes &lt;n&gt;    classes to generate and keep; default 2000
 *   --methods &lt;n&gt;    static methods per class; default 200
 *   --body-ops &lt;n&gt;   additions per method; default 8
 *   --hold-ms &lt;ms&gt;   how long to hold them before the job is submitted; default 500
 *   --records &lt;n&gt;    records of the small job; default 1000
 * </pre>
 *
 * <p>Each class ({@code org.tmfault.workloads.gen.J<i>}, written by {@link GeneratedClass}) is
 * defined in its own fresh class loader whose parent is the user-code class loader, then linked
 * and initialized with {@code Class.forName(name, true, loader)}. The classes stay reachable in a
 * local list through the small job ({@link JmSmallJob}) and are used again after it, so nothing
 * can be unloaded while the application runs. With enough metaspace the job FINISHES.
 *
 * <p>This class never creates, throws or catches an {@link OutOfMemoryError} and prints no
 * symptom text: the error, if any, is the JVM's {@code OutOfMemoryError: Metaspace} from
 * {@code defineClass}.
 */
public final class JmMetaspace {

    private static final Logger LOG = LoggerFactory.getLogger(JmMetaspace.class);

    private JmMetaspace() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "classes", "methods", "body-ops", "hold-ms", "records");
        int classes = args.getInt("classes", 2000, 0);
        int methods = args.getInt("methods", 200, 1);
        int bodyOps = args.getInt("body-ops", 8, 0);
        long holdMs = args.getLong("hold-ms", 500, 0);
        long records = args.getLong("records", 1000, 1);

        LOG.info("tmfault JmMetaspace: generating {} classes ({} methods each) in the JobManager",
                classes, methods);
        List<Class<?>> kept = new ArrayList<>();
        ClassLoader parent = JmMetaspace.class.getClassLoader();
        long checksum = 0;
        long start = System.nanoTime();
        for (int i = 0; i < classes; i++) {
            String name = "org.tmfault.workloads.gen.J" + i;
            Metaspace.OneClassLoader loader = new Metaspace.OneClassLoader(parent);
            Class<?> c = loader.define(name, GeneratedClass.bytes(name, methods, bodyOps));
            Class.forName(name, true, loader); // link (verify) and initialize, as first use does
            checksum += c.getName().hashCode();
            kept.add(c);
            if ((i + 1) % 1000 == 0) {
                LOG.info("tmfault JmMetaspace: {} classes loaded", kept.size());
            }
        }
        LOG.info("tmfault JmMetaspace: holding {} generated classes ({} methods each) after {} ms",
                kept.size(), methods, (System.nanoTime() - start) / 1_000_000);
        Thread.sleep(holdMs);
        JmSmallJob.run("tmfault-jm-metaspace classes=" + classes, records);
        for (Class<?> c : kept) {
            checksum += c.getName().length();
        }
        LOG.info("tmfault JmMetaspace: job done with {} classes still held (checksum {})", kept.size(), checksum);
    }
}
