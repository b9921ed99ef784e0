package org.tmfault.workloads;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A minimal class-file writer: builds the bytes of a public class with {@code methods} static
 * methods {@code int m<i>(int)}, each {@code bodyOps} constant additions long. This is what
 * code-generating user code (Janino, Groovy, proxies, ORMs) hands to {@code defineClass}: real
 * class files that the JVM parses into metaspace (one Method + ConstMethod with its bytecode per
 * method, a constant pool, the Klass itself).
 *
 * <p>Version 52 (Java 8): straight-line code needs no StackMapTable.
 */
final class GeneratedClass {

    private GeneratedClass() {}

    /** Class-file bytes for {@code binaryName} (dots or slashes), deterministic for its inputs. */
    static byte[] bytes(String binaryName, int methods, int bodyOps) {
        if (methods < 1 || methods > 30000) {
            throw new IllegalArgumentException("methods must be in [1, 30000], got " + methods);
        }
        if (bodyOps < 0 || bodyOps > 10000) {
            throw new IllegalArgumentException("bodyOps must be in [0, 10000], got " + bodyOps);
        }
        try {
            return write(binaryName.replace('.', '/'), methods, bodyOps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(String internalName, int methods, int bodyOps) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + methods * (24 + 4 * bodyOps));
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0); // minor
        out.writeShort(52); // major: Java 8
        // Constant pool: 1 this name, 2 this class, 3 Object name, 4 Object class,
        // 5 descriptor "(I)I", 6 "Code", 7.. method names.
        out.writeShort(7 + methods); // constant_pool_count = last index + 1
        utf8(out, internalName);
        classRef(out, 1);
        utf8(out, "java/lang/Object");
        classRef(out, 3);
        utf8(out, "(I)I");
        utf8(out, "Code");
        for (int i = 0; i < methods; i++) {
            utf8(out, "m" + i);
        }
        out.writeShort(0x0021); // ACC_PUBLIC | ACC_SUPER
        out.writeShort(2); // this_class
        out.writeShort(4); // super_class
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(methods);
        for (int i = 0; i < methods; i++) {
            method(out, 7 + i, i, bodyOps);
        }
        out.writeShort(0); // class attributes
        out.flush();
        return buf.toByteArray();
    }

    private static void method(DataOutputStream out, int nameIndex, int salt, int bodyOps)
            throws IOException {
        int codeLength = 1 + 4 * bodyOps + 1;
        out.writeShort(0x0009); // ACC_PUBLIC | ACC_STATIC
        out.writeShort(nameIndex);
        out.writeShort(5); // (I)I
        out.writeShort(1); // one attribute: Code
        out.writeShort(6);
        out.writeInt(2 + 2 + 4 + codeLength + 2 + 2);
        out.writeShort(2); // max_stack
        out.writeShort(1); // max_locals
        out.writeInt(codeLength);
        out.writeByte(0x1a); // iload_0
        for (int k = 0; k < bodyOps; k++) {
            out.writeByte(0x11); // sipush
            out.writeShort((short) (salt * 31 + k));
            out.writeByte(0x60); // iadd
        }
        out.writeByte(0xac); // ireturn
        out.writeShort(0); // exception table
        out.writeShort(0); // code attributes
    }

    private static void utf8(DataOutputStream out, String s) throws IOException {
        out.writeByte(1);
        out.writeUTF(s);
    }

    private static void classRef(DataOutputStream out, int nameIndex) throws IOException {
        out.writeByte(7);
        out.writeShort(nameIndex);
    }
}
