import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Prints every configuration key a Flink distribution knows, one per line, sorted: the key and
 * the fallback (deprecated) keys of each public static ConfigOption field of every
 * org.apache.flink class whose name ends in "Options". Run by ci/setup once per Flink version:
 *
 *   java ListOptionKeys.java <flink lib dir>  > option-keys.txt
 *
 * The harness uses the list to warn about misspelt keys in scenarios (Flink ignores them).
 */
public class ListOptionKeys {
    public static void main(String[] args) throws Exception {
        File[] jars = new File(args[0]).listFiles((d, n) -> n.endsWith(".jar"));
        List<URL> urls = new ArrayList<>();
        for (File j : jars) urls.add(j.toURI().toURL());
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), null);
        Class<?> configOption = loader.loadClass("org.apache.flink.configuration.ConfigOption");
        TreeSet<String> keys = new TreeSet<>();
        for (File j : jars) {
            try (JarFile jar = new JarFile(j)) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (!name.startsWith("org/apache/flink/") || !name.endsWith("Options.class")) continue;
                    collect(loader, configOption, name.replace('/', '.').replace(".class", ""), keys);
                }
            }
        }
        keys.forEach(System.out::println);
    }

    private static void collect(ClassLoader loader, Class<?> configOption, String className,
            TreeSet<String> keys) {
        try {
            Class<?> c = Class.forName(className, false, loader);
            for (Field f : c.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !configOption.isAssignableFrom(f.getType())) continue;
                Object option = f.get(null);
                keys.add((String) configOption.getMethod("key").invoke(option));
                for (Object fb : (Iterable<?>) configOption.getMethod("fallbackKeys").invoke(option)) {
                    keys.add((String) fb.getClass().getMethod("getKey").invoke(fb));
                }
            }
        } catch (Throwable t) {
            // a class that cannot be initialised here (optional dependency missing): skip it
        }
    }
}
