package org.tmfault.workloads;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Metaspace: user code that generates classes at runtime and keeps them, the way a rule engine,
 * a scripting layer or a code generator does. Each generated class is a distinct class
 * ({@code org.tmfault.workloads.gen.G<record>_<i>}) with {@code --methods} methods, defined in its
 * own fresh {@link ClassLoader} whose parent is the job's user-code class loader; each class is
 * linked (verified) and initialized, as its first use would do. Loaders and classes stay reachable
 * while the record is processed (including {@code --hold-ms}), so nothing can be unloaded.
 *
 * <p>Every input record loads {@code --classes} classes; with {@code --parallelism P} the TM holds
 * {@code P x classes} of them. Under a small {@code taskmanager.memory.jvm-metaspace.size}
 * ({@code -XX:MaxMetaspaceSize}) the JVM's own {@code OutOfMemoryError: Metaspace} is thrown from
 * {@code defineClass}; with enough metaspace the job finishes after {@code --hold-ms}.
 *
 * <p>This class never creates or throws an {@link OutOfMemoryError} and prints no symptom text.
 */
public final class Metaspace {

    private Metaspace() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "classes", "methods", "body-ops", "hold-ms", "parallelism");
        int parallelism = args.getInt("parallelism", 1, 1);
        Settings s =
                new Settings(
                        args.getInt("classes", 2000, 0),
                        args.getInt("methods", 200, 1),
                        args.getInt("body-ops", 8, 0),
                        args.getLong("hold-ms", 1000, 0));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(parallelism);
        env.fromSequence(1, parallelism).process(new ClassGenerator(s)).name("metaspace-classes");
        env.execute(("tmfault-metaspace " + String.join(" ", argv)).trim());
    }

    static final class Settings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int classes;
        final int methods;
        final int bodyOps;
        final long holdMs;

        Settings(int classes, int methods, int bodyOps, long holdMs) {
            this.classes = classes;
            this.methods = methods;
            this.bodyOps = bodyOps;
            this.holdMs = holdMs;
        }
    }

    /** A loader per generated class, as per-script/per-rule loaders are in real code. */
    static final class OneClassLoader extends ClassLoader {
        OneClassLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    static final class ClassGenerator extends ProcessFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(ClassGenerator.class);

        private final Settings s;

        ClassGenerator(Settings s) {
            this.s = s;
        }

        @Override
        public void processElement(Long record, Context ctx, Collector<Long> out) throws Exception {
            // Held for the whole call (a Class pins its loader, the loader its classes), and no
            // longer: if the JVM's metaspace runs out, the error unwinds this frame and the classes
            // become unloadable, so Flink's own failure handling can still load what it needs.
            List<Class<?>> kept = new ArrayList<>();
            ClassLoader parent = Metaspace.class.getClassLoader();
            long checksum = 0;
            long start = System.nanoTime();
            for (int i = 0; i < s.classes; i++) {
                String name = "org.tmfault.workloads.gen.G" + record + "_" + i;
                byte[] bytes = GeneratedClass.bytes(name, s.methods, s.bodyOps);
                OneClassLoader loader = new OneClassLoader(parent);
                Class<?> c = loader.define(name, bytes);
                Class.forName(name, true, loader); // link (verify) and initialize, as first use does
                checksum += c.getName().hashCode();
                kept.add(c);
                if ((i + 1) % 1000 == 0) {
                    LOG.info("tmfault Metaspace: {} classes loaded", kept.size());
                }
            }
            LOG.info(
                    "tmfault Metaspace: holding {} generated classes ({} methods each) after {} ms, checksum {}",
                    kept.size(), s.methods, (System.nanoTime() - start) / 1_000_000, checksum);
            Thread.sleep(s.holdMs);
            out.collect(checksum + kept.size());
        }
    }
}
