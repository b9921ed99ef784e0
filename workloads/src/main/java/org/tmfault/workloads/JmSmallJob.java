package org.tmfault.workloads;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The small job the JobManager workloads ({@link JmHeap}, {@link JmDirect}, {@link JmMetaspace})
 * submit from their {@code main()} once their own memory is in place: a bounded sequence of
 * {@code records} numbers through a filter into a discarding sink, parallelism 1. It needs one
 * slot and well under a second of work, so when the JobManager has enough memory the job, and
 * with it the application, FINISHES.
 */
final class JmSmallJob {

    private JmSmallJob() {}

    /** Builds and runs the job; blocks until it ends (application mode runs attached). */
    static JobExecutionResult run(String name, long records) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(1);
        env.fromSequence(1, records)
                .name("sequence")
                .filter(new Even())
                .name("even")
                .sinkTo(new DiscardingSink<>());
        return env.execute(name);
    }

    static final class Even implements FilterFunction<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(Long value) {
            return (value & 1) == 0;
        }
    }
}
