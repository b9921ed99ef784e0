package org.tmfault.workloads;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network buffers: an all-to-all shuffle between two operators of parallelism {@code --parallelism
 * P}, in STREAMING mode (pipelined partitions), over the bounded sequence {@code 0 .. records-1}.
 *
 * <p>Job graph: {@code source (P) --[keyBy | rebalance]--> count (P)}; {@code count} has no output.
 * When the tasks are deployed each of the P source tasks creates a result partition with P
 * subpartitions, and each of the P count tasks an input gate with P channels. The buffers this
 * needs are reserved from the TaskManager's network memory at deployment; when they do not fit,
 * Flink's {@code NetworkBufferPool} fails the task with its own IOException. See
 * workloads/README.md for the count. It needs nothing else: with enough network memory it
 * finishes in well under a second of work.
 *
 * <p>{@code --edge keyby} (default) or {@code rebalance}; both are all-to-all.
 *
 * <p>{@code --mode streaming} (default) or {@code batch}. In BATCH mode the edge is a blocking
 * exchange: the P sources write their output to disk first (Flink's sort-merge shuffle, the
 * default for batch jobs since 1.15), then the P count tasks read it back. That read goes
 * through the TaskManager's batch shuffle read buffer pool, which Flink allocates as direct
 * memory out of the framework off-heap budget ({@code
 * taskmanager.memory.framework.off-heap.batch-shuffle.size}, 64 MiB by default) on the first
 * read; the job itself allocates nothing off-heap.
 */
public final class Network {

    private Network() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "parallelism", "records", "edge", "mode");
        int parallelism = args.getInt("parallelism", 4, 1);
        long records = args.getLong("records", 100_000, 1);
        String edge = args.getString("edge", "keyby");
        RuntimeExecutionMode mode = mode(args.getString("mode", "streaming"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(mode);
        env.setParallelism(parallelism);
        DataStream<Long> source = env.fromSequence(0, records - 1).name("sequence");
        DataStream<Long> shuffled;
        switch (edge) {
            case "keyby":
                shuffled = source.keyBy(new Identity());
                break;
            case "rebalance":
                shuffled = source.rebalance();
                break;
            default:
                throw new IllegalArgumentException("'--edge' must be keyby or rebalance, got '" + edge + "'");
        }
        shuffled.filter(new Count(records)).name("count");
        env.execute(("tmfault-network " + String.join(" ", argv)).trim());
    }

    private static RuntimeExecutionMode mode(String mode) {
        switch (mode) {
            case "streaming":
                return RuntimeExecutionMode.STREAMING;
            case "batch":
                return RuntimeExecutionMode.BATCH;
            default:
                throw new IllegalArgumentException(
                        "'--mode' must be streaming or batch, got '" + mode + "'");
        }
    }

    /** Key = the value itself: hash partitioning over all P channels. */
    static final class Identity implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return value;
        }
    }

    /** Counts what it receives, passes nothing on, and logs the count once at the end. */
    static final class Count extends RichFilterFunction<Long> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Count.class);

        private final long records;
        private transient long seen;
        private transient long sum;

        Count(long records) {
            this.records = records;
        }

        @Override
        public void open(OpenContext openContext) {
            seen = 0;
            sum = 0;
        }

        @Override
        public boolean filter(Long value) {
            seen++;
            sum += value;
            return false;
        }

        @Override
        public void close() {
            LOG.info("tmfault Network: subtask received {} of {} records (sum {})", seen, records, sum);
        }
    }
}
