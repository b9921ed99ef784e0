import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Flink's memory model for many configurations in one JVM: runs Flink's own BashJavaUtils, as
 * bin/config.sh runs it, once per configuration directory, instead of one JVM each (each costs
 * ~0.8 CPU-seconds to start, the derivation itself a few milliseconds). Run by the harness with
 * BashJavaUtils' classpath and log4j configuration:
 *
 *   java -cp <BashJavaUtils classpath> DeriveAll.java COMMAND DIR [COMMAND DIR]...
 *
 * COMMAND is GET_TM_RESOURCE_PARAMS or GET_JM_RESOURCE_PARAMS, DIR a directory with config.yaml.
 * For each pair, DIR/derive.out gets everything that run printed (its log lines, its two result
 * lines, or the exception as the JVM prints an uncaught one) and DIR/derive.status its exit
 * status: 0, or 1 when BashJavaUtils threw (the JVM's status for an uncaught exception).
 */
public class DeriveAll {
    public static void main(String[] args) throws Exception {
        Method bashJavaUtils = Class.forName("org.apache.flink.runtime.util.bash.BashJavaUtils")
                .getMethod("main", String[].class);
        PrintStream out = System.out, err = System.err;
        for (int i = 0; i + 1 < args.length; i += 2) {
            Path dir = Path.of(args[i + 1]);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int status = 0;
            System.setOut(capture);
            System.setErr(capture);
            try {
                bashJavaUtils.invoke(null, (Object) new String[] {args[i], "--configDir", dir.toString()});
            } catch (InvocationTargetException e) {
                capture.print("Exception in thread \"main\" ");
                e.getCause().printStackTrace(capture);
                status = 1;
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            Files.write(dir.resolve("derive.out"), bytes.toByteArray());
            Files.writeString(dir.resolve("derive.status"), Integer.toString(status));
        }
    }
}
