package org.tmfault.workloads;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * RocksDB native memory: keyed state in the RocksDB state backend, written the way a stateful job
 * writes it. {@code keys} keys ({@code 0 .. keys-1}) are hash-partitioned over {@code
 * --parallelism P} subtasks; for every key the function writes {@code --states S} distinct
 * {@code ValueState<byte[]>} (one RocksDB column family each) with a {@code --value-bytes} value,
 * {@code --rounds R} times (each round a new value, i.e. a new memtable entry).
 *
 * <p>Bytes put into RocksDB: {@code keys x S x value-bytes x R} (default 65536 x 4 x 4096 x 1 =
 * 1 GiB), spread over {@code P x S} column families, every key writing all of its states so all
 * column families grow together. With {@code state.backend.rocksdb.memory.managed: false} every
 * column family gets its own memtables ({@code state.backend.rocksdb.writebuffer.size} x
 * {@code writebuffer.count}) and block cache, none of it counted by Flink; with
 * {@code writebuffer.number-to-merge} close to {@code writebuffer.count} RocksDB keeps all of it
 * until the container limit is hit (kernel OOM kill, no Java error). With memory control on (the
 * default) the per-slot write buffer manager, charged to managed memory, forces flushes and the
 * job finishes. See workloads/README.md for the measured configurations.
 *
 * <p>The job sets {@code state.backend.type: rocksdb} itself, so it always runs on RocksDB; every
 * memory option stays with the cluster configuration, which is what the scenarios vary.
 */
public final class RocksDb {

    private RocksDb() {}

    public static void main(String[] argv) throws Exception {
        Args args =
                Args.parse(argv, "keys", "states", "value-bytes", "rounds", "parallelism", "hold-ms");
        int parallelism = args.getInt("parallelism", 1, 1);
        long keys = args.getLong("keys", 65536, 1);
        Settings s =
                new Settings(
                        args.getInt("states", 4, 1),
                        args.getInt("value-bytes", 4096, 1),
                        args.getInt("rounds", 1, 1),
                        args.getLong("hold-ms", 0, 0));

        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(parallelism);
        env.fromSequence(0, keys - 1)
                .name("keys")
                .keyBy(new Identity())
                .process(new StateWriter(s))
                .name("rocksdb-state");
        env.execute(("tmfault-rocksdb " + String.join(" ", argv)).trim());
    }

    static final class Settings implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int states;
        final int valueBytes;
        final int rounds;
        final long holdMs;

        Settings(int states, int valueBytes, int rounds, long holdMs) {
            this.states = states;
            this.valueBytes = valueBytes;
            this.rounds = rounds;
            this.holdMs = holdMs;
        }
    }

    static final class Identity implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return value;
        }
    }

    static final class StateWriter extends KeyedProcessFunction<Long, Long, Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(StateWriter.class);

        private final Settings s;
        private transient List<ValueState<byte[]>> states;
        private transient byte[] value;
        private transient long puts;
        private transient long bytes;

        StateWriter(Settings s) {
            this.s = s;
        }

        @Override
        public void open(OpenContext openContext) {
            states = new ArrayList<>(s.states);
            for (int i = 0; i < s.states; i++) {
                states.add(
                        getRuntimeContext()
                                .getState(new ValueStateDescriptor<>("state-" + i, byte[].class)));
            }
            value = new byte[s.valueBytes];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) ('a' + i % 26);
            }
        }

        @Override
        public void processElement(Long key, Context ctx, Collector<Long> out) throws Exception {
            for (int round = 0; round < s.rounds; round++) {
                for (int i = 0; i < s.states; i++) {
                    fill(key, round, i);
                    states.get(i).update(value);
                    puts++;
                    bytes += value.length;
                }
            }
        }

        /**
         * A value that differs per key, round and state in its first 24 bytes; the rest keeps the
         * fixed pattern from open(). Memtables hold values uncompressed, so only the size matters
         * for memory; the pattern keeps flushed SST files small and flushes fast.
         */
        private void fill(long key, int round, int state) {
            putLong(0, key);
            putLong(8, round);
            putLong(16, state);
        }

        private void putLong(int off, long v) {
            for (int b = 0; b < 8 && off + b < value.length; b++) {
                value[off + b] = (byte) (v >>> (8 * b));
            }
        }

        @Override
        public void close() throws Exception {
            LOG.info("tmfault RocksDb: subtask put {} values, {} MiB", puts, bytes >> 20);
            if (s.holdMs > 0) {
                Thread.sleep(s.holdMs);
            }
        }
    }
}
