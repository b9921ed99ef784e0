package org.tmfault.workloads;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;

/**
 * ClassLoaderLeak: a job that, like much real user code, leaves something behind that outlives the
 * job and pins the job's user-code class loader. Meant to be submitted again and again to one
 * long-lived TaskManager (a session cluster): each submission gets a fresh user-code class loader,
 * and each leaked loader keeps every class it loaded in metaspace, so metaspace grows by one job's
 * code per submission until the JVM's own {@code OutOfMemoryError: Metaspace}.
 *
 * <p>The job's code: in {@code open()} its one subtask defines {@code --classes} classes of
 * {@code --methods} methods each ({@code org.tmfault.workloads.Lib<i>}, same names every
 * submission) into the job's own user-code class loader through
 * {@link MethodHandles.Lookup#defineClass}, as a bytecode library (ByteBuddy's lookup injection,
 * proxies) does; it stands for the classes a job jar with bundled libraries loads. Without a leak
 * they are unloaded once Flink releases the job's class loader and a GC runs.
 *
 * <p>The leak, {@code --leak}:
 * <ul>
 *   <li>{@code thread} (default): {@code open()} starts a daemon "refresher" thread (a class of the
 *       job, whose context class loader is the user-code loader it inherits from the task thread)
 *       and {@code close()} never stops it: Flink's "lingering threads".</li>
 *   <li>{@code driver}: a JDBC driver bundled in the job jar registers itself with
 *       {@link DriverManager} (a JDK class, loaded outside the job's loader) when loaded with
 *       {@code Class.forName}, as pre-JDBC-4 code does, and is never deregistered.</li>
 *   <li>{@code hook}: a JVM shutdown hook (a thread of a job class) is added and never removed.</li>
 *   <li>{@code none}: nothing is left behind (the control).</li>
 * </ul>
 * With {@code --release-hook true} the job registers a user-code class loader release hook
 * ({@code RuntimeContext#registerUserCodeClassLoaderReleaseHookIfAbsent}) that stops the thread,
 * deregisters the driver or removes the shutdown hook: the fix Flink documents.
 *
 * <p>This class never creates or throws an {@link OutOfMemoryError} and prints no symptom text.
 */
public final class ClassLoaderLeak {

    private ClassLoaderLeak() {}

    public static void main(String[] argv) throws Exception {
        Args args =
                Args.parse(argv, "classes", "methods", "body-ops", "leak", "release-hook", "hold-ms");
        String leak = args.getString("leak", "thread");
        if (!leak.equals("thread") && !leak.equals("driver") && !leak.equals("hook") && !leak.equals("none")) {
            throw new IllegalArgumentException("--leak must be thread, driver, hook or none, got '" + leak + "'");
        }
        Settings s =
                new Settings(
                        args.getInt("classes", 250, 0),
                        args.getInt("methods", 200, 1),
                        args.getInt("body-ops", 8, 0),
                        leak,
                        args.getBoolean("release-hook", false),
                        args.getLong("hold-ms", 0, 0));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(1);
        env.fromSequence(1, 1).process(new LibraryUser(s)).name("classloader-leak");
        env.execute(("tmfault-classloader-leak " + String.join(" ", argv)).trim());
    }

    static final class Settings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int classes;
        final int methods;
        final int bodyOps;
        final String leak;
        final boolean releaseHook;
        final long holdMs;

        Settings(int classes, int methods, int bodyOps, String leak, boolean releaseHook, long holdMs) {
            this.classes = classes;
            this.methods = methods;
            this.bodyOps = bodyOps;
            this.leak = leak;
            this.releaseHook = releaseHook;
            this.holdMs = holdMs;
        }
    }

    static final class LibraryUser extends ProcessFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(LibraryUser.class);

        private final Settings s;
        private transient Class<?>[] library;

        LibraryUser(Settings s) {
            this.s = s;
        }

        @Override
        public void open(OpenContext openContext) throws Exception {
            library = Library.load(s);
            switch (s.leak) {
                case "thread":
                    Leftovers.startRefresher(library);
                    break;
                case "driver":
                    Leftovers.loadDriver();
                    break;
                case "hook":
                    Leftovers.addShutdownHook();
                    break;
                default:
                    break;
            }
            if (s.releaseHook) {
                getRuntimeContext()
                        .registerUserCodeClassLoaderReleaseHookIfAbsent(
                                "tmfault-classloader-leak", Leftovers::cleanUp);
            }
            LOG.info(
                    "tmfault ClassLoaderLeak: {} classes of {} methods in user-code class loader {}; leak={}, release-hook={}",
                    library.length, s.methods, LibraryUser.class.getClassLoader(), s.leak, s.releaseHook);
        }

        @Override
        public void processElement(Long record, Context ctx, Collector<Long> out) throws Exception {
            long checksum = 0;
            for (Class<?> c : library) {
                checksum += c.getName().hashCode();
            }
            Thread.sleep(s.holdMs);
            out.collect(checksum);
        }

        @Override
        public void close() throws Exception {
            // The bug being reproduced: nothing started in open() is stopped here.
            library = null;
        }
    }

    /** The job's "library": classes defined into the job's own (user-code) class loader. */
    static final class Library {
        private static Class<?>[] loaded; // per user-code class loader: this class is the job's

        private Library() {}

        static synchronized Class<?>[] load(Settings s) throws Exception {
            if (loaded != null) {
                return loaded;
            }
            long start = System.nanoTime();
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ClassLoader own = Library.class.getClassLoader();
            Class<?>[] classes = new Class<?>[s.classes];
            for (int i = 0; i < s.classes; i++) {
                String name = "org.tmfault.workloads.Lib" + i;
                lookup.defineClass(GeneratedClass.bytes(name, s.methods, s.bodyOps));
                classes[i] = Class.forName(name, true, own); // link and initialize, as first use does
            }
            loaded = classes;
            LoggerFactory.getLogger(Library.class)
                    .info(
                            "tmfault ClassLoaderLeak: defined {} classes in {} ms",
                            classes.length, (System.nanoTime() - start) / 1_000_000);
            return classes;
        }
    }

    /** What the job leaves behind, and the clean-up a release hook does. Per user-code loader. */
    static final class Leftovers {
        private static volatile Refresher refresher;
        private static volatile Driver driver;
        private static volatile Thread shutdownHook;

        private Leftovers() {}

        static void startRefresher(Class<?>[] library) {
            Refresher r = new Refresher(library);
            r.start();
            refresher = r;
        }

        static void loadDriver() throws Exception {
            // JDBC 3 style: loading the driver class registers it (its static initializer).
            Class.forName(BundledDriver.class.getName(), true, Leftovers.class.getClassLoader());
            driver = DriverManager.getDriver(BundledDriver.URL_PREFIX + "x");
        }

        static void addShutdownHook() {
            Thread t = new FlushOnExit();
            Runtime.getRuntime().addShutdownHook(t);
            shutdownHook = t;
        }

        static void cleanUp() {
            Logger log = LoggerFactory.getLogger(Leftovers.class);
            Refresher r = refresher;
            if (r != null) {
                r.shutdown();
                refresher = null;
                log.info("tmfault ClassLoaderLeak: release hook stopped thread {}", r.getName());
            }
            Driver d = driver;
            if (d != null) {
                try {
                    DriverManager.deregisterDriver(d);
                    log.info("tmfault ClassLoaderLeak: release hook deregistered {}", d);
                } catch (SQLException e) {
                    log.warn("tmfault ClassLoaderLeak: could not deregister {}", d, e);
                }
                driver = null;
            }
            Thread t = shutdownHook;
            if (t != null) {
                Runtime.getRuntime().removeShutdownHook(t);
                shutdownHook = null;
                log.info("tmfault ClassLoaderLeak: release hook removed shutdown hook {}", t.getName());
            }
        }
    }

    /** A background refresher, as clients and caches start; it holds the library it refreshes. */
    static final class Refresher extends Thread {
        private static int counter;
        private final Class<?>[] library;
        private volatile boolean running = true;

        Refresher(Class<?>[] library) {
            super("tmfault-refresher-" + next());
            this.library = library;
            setDaemon(true);
        }

        private static synchronized int next() {
            return ++counter;
        }

        void shutdown() {
            running = false;
            interrupt();
        }

        @Override
        public void run() {
            long refreshes = 0;
            while (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    break;
                }
                refreshes += library.length;
            }
            LoggerFactory.getLogger(Refresher.class)
                    .info("tmfault ClassLoaderLeak: {} stopped after {} refreshes", getName(), refreshes);
        }
    }

    /** A shutdown hook that would flush buffered data when the JVM exits. */
    static final class FlushOnExit extends Thread {
        FlushOnExit() {
            super("tmfault-flush-on-exit");
        }

        @Override
        public void run() {
            // nothing buffered in this job
        }
    }

    /** A JDBC driver bundled in the job jar, registering itself when its class is initialized. */
    public static final class BundledDriver implements Driver {
        static final String URL_PREFIX = "jdbc:tmfault:";

        static {
            try {
                DriverManager.registerDriver(new BundledDriver());
            } catch (SQLException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            if (!acceptsURL(url)) {
                return null;
            }
            throw new SQLException("tmfault's bundled driver has no database behind " + url);
        }

        @Override
        public boolean acceptsURL(String url) {
            return url != null && url.startsWith(URL_PREFIX);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getLogger("org.tmfault.workloads");
        }
    }
}
