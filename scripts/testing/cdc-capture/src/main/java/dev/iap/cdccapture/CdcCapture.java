package dev.iap.cdccapture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.Header;
import io.debezium.engine.format.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only capture harness for @iap/cdc. Runs one Debezium embedded engine per configured
 * setting, in one JVM, and writes every record each engine emits as one JSON line
 * {@code {"destination", "key", "value", "headers"}} where key and value are the exact text the
 * JsonConverter produced (or null). An engine stops after {@code capture.max.records} records,
 * after {@code capture.idle.ms} without a record (once it has seen one), after the logical
 * decoding message whose prefix is {@code capture.stop.prefix}, or (for connectors without logical
 * messages) after the first change of the table {@code capture.stop.table} and the transaction
 * END marker of its transaction (at once when it has no transaction block).
 *
 * <p>Usage: {@code java -jar cdc-capture.jar capture.properties}. Properties:
 * {@code capture.out.dir}, {@code capture.engines=a,b}, {@code capture.idle.ms},
 * {@code capture.max.records}, {@code capture.stop.prefix}, {@code capture.stop.table},
 * {@code capture.deadline.ms},
 * {@code common.<debezium property>} for every engine and {@code engine.<name>.<property>} per
 * engine. The engine named {@code a} writes {@code <out.dir>/a.jsonl}.
 */
public final class CdcCapture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CdcCapture() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar cdc-capture.jar <capture.properties>");
            System.exit(2);
        }
        Properties all = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            all.load(in);
        }
        Path outDir = Path.of(required(all, "capture.out.dir"));
        Files.createDirectories(outDir);
        long idleMs = Long.parseLong(all.getProperty("capture.idle.ms", "10000"));
        long maxRecords = Long.parseLong(all.getProperty("capture.max.records", "1000000"));
        long deadlineMs = Long.parseLong(all.getProperty("capture.deadline.ms", "120000"));
        String stopPrefix = all.getProperty("capture.stop.prefix", "");
        String stopTable = all.getProperty("capture.stop.table", "");
        List<EngineRun> runs = new ArrayList<>();
        for (String name : required(all, "capture.engines").split(",")) {
            Properties props = new Properties();
            copyPrefixed(all, "common.", props);
            copyPrefixed(all, "engine." + name.trim() + ".", props);
            props.setProperty("name", name.trim());
            runs.add(new EngineRun(name.trim(), props, outDir.resolve(name.trim() + ".jsonl"), maxRecords, stopPrefix, stopTable));
        }
        ExecutorService executor = Executors.newFixedThreadPool(runs.size());
        for (EngineRun run : runs) executor.execute(run.engine);
        System.out.println("capture: started " + runs.size() + " engine(s)");
        long started = System.currentTimeMillis();
        int exitCode = 0;
        while (true) {
            Thread.sleep(100);
            long now = System.currentTimeMillis();
            boolean allDone = true;
            for (EngineRun run : runs) {
                if (!run.done && run.count.get() > 0 && now - run.lastRecordAt.get() > idleMs) run.finish("idle");
                if (!run.done && run.failure != null) run.finish("failed");
                allDone &= run.done;
            }
            if (allDone) break;
            if (now - started > deadlineMs) {
                System.err.println("capture: deadline of " + deadlineMs + " ms reached");
                exitCode = 3;
                break;
            }
        }
        // Close every engine at once, bounded: the output is already flushed line by line.
        ExecutorService closer = Executors.newFixedThreadPool(runs.size());
        for (EngineRun run : runs) closer.execute(() -> {
            try {
                run.close();
            } catch (IOException e) {
                run.failure = "close failed: " + e.getMessage();
            }
        });
        closer.shutdown();
        closer.awaitTermination(15, TimeUnit.SECONDS);
        for (EngineRun run : runs) {
            System.out.println("capture: " + run.name + " wrote " + run.count.get() + " record(s), stopped: " + run.stopReason);
            if (run.failure != null) {
                System.err.println("capture: " + run.name + " failed: " + run.failure);
                exitCode = 4;
            }
        }
        System.exit(exitCode);
    }

    private static String required(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) throw new IllegalArgumentException("missing property " + key);
        return value;
    }

    private static void copyPrefixed(Properties from, String prefix, Properties to) {
        for (String key : from.stringPropertyNames()) {
            if (key.startsWith(prefix)) to.setProperty(key.substring(prefix.length()), from.getProperty(key));
        }
    }

    /** One engine, its output file and its stop state. */
    private static final class EngineRun {
        final String name;
        final DebeziumEngine<ChangeEvent<String, String>> engine;
        final BufferedWriter out;
        final AtomicLong count = new AtomicLong();
        final AtomicLong lastRecordAt = new AtomicLong(System.currentTimeMillis());
        final long maxRecords;
        final String stopPrefix;
        final String stopTable;
        boolean stopRowSeen;
        String stopTransactionId;
        volatile boolean done;
        volatile String stopReason = "running";
        volatile String failure;

        EngineRun(String name, Properties props, Path file, long maxRecords, String stopPrefix, String stopTable) throws IOException {
            this.name = name;
            this.maxRecords = maxRecords;
            this.stopPrefix = stopPrefix;
            this.stopTable = stopTable;
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            this.engine = DebeziumEngine.create(Json.class)
                    .using(props)
                    .using((success, message, error) -> {
                        if (!success) failure = message + (error == null ? "" : ": " + error);
                    })
                    .notifying(this::write)
                    .build();
        }

        private synchronized void write(ChangeEvent<String, String> record) {
            if (done) return;
            try {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("destination", record.destination());
                line.put("key", record.key());
                line.put("value", record.value());
                Map<String, Object> headers = new LinkedHashMap<>();
                for (Header<?> header : record.headers()) headers.put(header.getKey(), String.valueOf(header.getValue()));
                if (!headers.isEmpty()) line.put("headers", headers);
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
                out.flush();
                if (!stopTable.isEmpty()) checkStopTable(record);
            } catch (IOException e) {
                failure = "cannot write the capture file: " + e.getMessage();
                return;
            }
            lastRecordAt.set(System.currentTimeMillis());
            long n = count.incrementAndGet();
            if (n >= maxRecords) finish("max-records");
            else if (!stopPrefix.isEmpty() && isStopMessage(record)) finish("stop-message");
        }

        private boolean isStopMessage(ChangeEvent<String, String> record) {
            String key = record.key();
            return record.destination().endsWith(".message") && key != null && key.contains("\"prefix\":\"" + stopPrefix + "\"");
        }

        /** The stop table's first change, then the END marker of its transaction. */
        private void checkStopTable(ChangeEvent<String, String> record) throws IOException {
            String destination = record.destination();
            if (stopRowSeen) {
                JsonNode marker = payloadOf(record.value());
                if (destination.endsWith(".transaction") && marker != null && "END".equals(marker.path("status").asText())
                        && marker.path("id").asText().equals(stopTransactionId)) finish("stop-table");
                return;
            }
            if (!destination.endsWith("." + stopTable)) return;
            stopRowSeen = true;
            JsonNode payload = payloadOf(record.value());
            JsonNode transaction = payload == null ? null : payload.get("transaction");
            if (transaction == null || transaction.isNull()) finish("stop-table");
            else stopTransactionId = transaction.path("id").asText();
        }

        private static JsonNode payloadOf(String value) throws IOException {
            if (value == null) return null;
            JsonNode root = JSON.readTree(value);
            return root.has("schema") && root.has("payload") ? root.get("payload") : root;
        }

        synchronized void finish(String reason) {
            if (done) return;
            done = true;
            stopReason = reason;
        }

        void close() throws IOException {
            try {
                engine.close();
            } finally {
                synchronized (this) {
                    out.close();
                }
            }
        }
    }
}
