package propalpes;

import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.pulsar.PulsarStandalone;
import org.apache.pulsar.broker.ServiceConfiguration;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.policies.data.ClusterData;

/**
 * A real Pulsar standalone (broker + one bookie + RocksDB metadata store, all
 * in this JVM) for the integration tests. Started by scripts/pulsar.
 *
 * <pre>
 * java -cp target/pulsar-standalone.jar:target/lib/* propalpes.PulsarTestBroker \
 *     --data-dir DIR --broker-port PORT --web-port PORT --bookie-port PORT
 * </pre>
 *
 * Everything lives under DIR (metadata/, bookkeeper/, bookie.conf, pulsar.log),
 * so starting again with the same DIR keeps topics, schemas and messages.
 * Binds and advertises 127.0.0.1 only.
 */
public final class PulsarTestBroker {

    private PulsarTestBroker() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = null;
        int brokerPort = -1;
        int webPort = -1;
        int bookiePort = -1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(require(args[i], value)).toAbsolutePath().normalize();
                case "--broker-port" -> brokerPort = Integer.parseInt(require(args[i], value));
                case "--web-port" -> webPort = Integer.parseInt(require(args[i], value));
                case "--bookie-port" -> bookiePort = Integer.parseInt(require(args[i], value));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (dataDir == null || brokerPort <= 0 || webPort <= 0 || bookiePort <= 0) {
            usage("--data-dir, --broker-port, --web-port and --bookie-port are required");
        }
        Files.createDirectories(dataDir);

        // Log to DIR/pulsar.log, not stdout. Must happen before the first
        // Pulsar/log4j class is touched.
        System.setProperty("propalpes.pulsar.log.file", dataDir.resolve("pulsar.log").toString());
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            URL conf = PulsarTestBroker.class.getResource("/propalpes-pulsar-log4j2.xml");
            if (conf != null) {
                System.setProperty("log4j2.configurationFile", conf.toString());
            }
        }

        Path bookieConf = writeBookieConf(dataDir, bookiePort);

        PulsarStandalone standalone = PulsarStandalone.builder()
                .withWipeData(false)                 // keep data across restarts
                .withNumOfBk(1)
                .withBkPort(bookiePort)
                .withBkDir(dataDir.resolve("bookkeeper").toString())
                // Never exists: makes PulsarStandalone use the RocksDB metadata
                // store (PIP-117) instead of starting a ZooKeeper.
                .withZkDir(dataDir.resolve("zookeeper").toString())
                .withNoStreamStorage(true)
                .withAdvertisedAddress("127.0.0.1")
                .build();
        standalone.setNoFunctionsWorker(true);  // the builder's default too
        // Bookie settings (PulsarStandalone loads them from this file; a
        // missing file would fail with a NullPointerException).
        standalone.setConfigFile(bookieConf.toString());
        // PulsarStandalone has no setter for this one (the CLI's
        // --metadata-dir); it defaults to "data/metadata" relative to the cwd.
        setPrivateField(standalone, "metadataDir", dataDir.resolve("metadata").toString());

        configureBroker(standalone.getConfig(), brokerPort, webPort);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                standalone.close();
            } finally {
                stopped.countDown();
                org.apache.logging.log4j.LogManager.shutdown();
            }
        }, "propalpes-pulsar-shutdown"));

        try {
            standalone.start();
        } catch (Throwable t) {
            t.printStackTrace();
            org.slf4j.LoggerFactory.getLogger(PulsarTestBroker.class).error("Pulsar failed to start", t);
            Runtime.getRuntime().halt(1);
        }
        try {
            updateClusterUrls(standalone);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(PulsarTestBroker.class)
                    .warn("Could not update the cluster's URLs", e);
        }
        String ready = "PulsarTestBroker ready: " + standalone.getBrokerServiceUrl() + " "
                + standalone.getWebServiceUrl();
        org.slf4j.LoggerFactory.getLogger(PulsarTestBroker.class).info(ready);
        System.err.println(ready);
        stopped.await();
    }

    /**
     * PulsarStandalone registers the cluster's URLs only when it first creates
     * the cluster; after a start on new ports (the old ones being taken) they
     * would still name the old ports.
     */
    private static void updateClusterUrls(PulsarStandalone standalone) throws Exception {
        String web = standalone.getWebServiceUrl();
        String broker = standalone.getBrokerServiceUrl();
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(web).build()) {
            ClusterData current = admin.clusters().getCluster("standalone");
            if (!web.equals(current.getServiceUrl()) || !broker.equals(current.getBrokerServiceUrl())) {
                org.slf4j.LoggerFactory.getLogger(PulsarTestBroker.class)
                        .info("Updating cluster standalone's URLs to {} {}", web, broker);
                admin.clusters().updateCluster("standalone",
                        ClusterData.builder().serviceUrl(web).brokerServiceUrl(broker).build());
            }
        }
    }

    private static void configureBroker(ServiceConfiguration c, int brokerPort, int webPort) {
        c.setClusterName("standalone");
        c.setBindAddress("127.0.0.1");
        c.setAdvertisedAddress("127.0.0.1");
        c.setBrokerServicePort(Optional.of(brokerPort));
        c.setWebServicePort(Optional.of(webPort));
        c.setBrokerServicePortTls(Optional.empty());
        c.setWebServicePortTls(Optional.empty());

        // One bookie.
        c.setManagedLedgerDefaultEnsembleSize(1);
        c.setManagedLedgerDefaultWriteQuorum(1);
        c.setManagedLedgerDefaultAckQuorum(1);

        // Tests create topics and come back to them later.
        c.setBrokerDeleteInactiveTopicsEnabled(false);

        c.setFunctionsWorkerEnabled(false);
        // As conf/standalone.conf: a single broker needs no load balancing.
        c.setLoadManagerClassName("org.apache.pulsar.broker.loadbalance.NoopLoadManager");
        c.setLoadBalancerEnabled(false);

        // Schema registry: defaults (BookKeeper schema storage, FULL
        // compatibility, isSchemaValidationEnforced=false), as standalone.conf.

        // Lets tests drop the namespaces/tenants they made, topics and all.
        c.setForceDeleteNamespaceAllowed(true);
        c.setForceDeleteTenantAllowed(true);

        // Modest memory on a 2-core test machine.
        c.setManagedLedgerCacheSizeMB(32);
        c.setNumIOThreads(2);
        c.setNumHttpServerThreads(8);
        c.setNumOrderedExecutorThreads(2);
        c.setNumWorkerThreadsForNonPersistentTopic(2);
        c.setBookkeeperClientNumWorkerThreads(1);
        c.setBookkeeperClientNumIoThreads(2);
        c.setManagedLedgerNumSchedulerThreads(1);
        c.setWebSocketServiceEnabled(false);

        // Ledgers roll small and often, and consumed ledgers past their
        // topic's retention are trimmed within seconds: the retention tests
        // see a command topic's acknowledged history deleted while the event
        // topics (infinite retention) keep theirs. A production broker rolls
        // at 50,000 entries or 4 hours and checks retention every 2 minutes,
        // as this one does for the benches (-Dpropalpes.productionLedgers=true).
        if (!Boolean.getBoolean("propalpes.productionLedgers")) {
            c.setManagedLedgerMaxEntriesPerLedger(100);
            c.setManagedLedgerMinLedgerRolloverTimeMinutes(0);
            c.setRetentionCheckIntervalInSeconds(2);
        }

        // Restarts in tests: don't wait a minute for a graceful shutdown.
        c.setBrokerShutdownTimeoutMs(15_000);
    }

    private static Path writeBookieConf(Path dataDir, int bookiePort) throws IOException {
        Path file = dataDir.resolve("bookie.conf");
        String conf = String.join("\n",
                "# Written by propalpes.PulsarTestBroker at every start.",
                "bookiePort=" + bookiePort,
                "allowEphemeralPorts=true",
                "listeningInterface=lo",
                "advertisedAddress=127.0.0.1",
                "allowLoopback=true",
                "httpServerEnabled=false",
                "ledgerStorageClass=org.apache.bookkeeper.bookie.storage.ldb.DbLedgerStorage",
                "dbStorage_writeCacheMaxSizeMb=16",
                "dbStorage_readAheadCacheMaxSizeMb=16",
                "dbStorage_readAheadCacheBatchSize=100",
                "dbStorage_rocksDB_blockCacheSize=16777216",
                "dbStorage_rocksDB_writeBufferSizeMB=4",
                "dbStorage_rocksDB_sstSizeInMB=4",
                "dbStorage_rocksDB_blockSize=4096",
                "dbStorage_rocksDB_bloomFilterBitsPerKey=10",
                "dbStorage_rocksDB_numLevels=-1",
                "dbStorage_rocksDB_numFilesInLevel0=4",
                "dbStorage_rocksDB_maxSizeInLevel1MB=256",
                "nettyMaxFrameSizeBytes=5253120",
                "flushInterval=60000",
                "journalMaxGroupWaitMSec=1",
                // Tests skip the journal fsync; a benchmark broker turns it on
                // (-Dpropalpes.journalSyncData=true, scripts/bench).
                "journalSyncData=" + System.getProperty("propalpes.journalSyncData", "false"),
                "journalPreAllocSizeMB=4",
                "entryLogSizeLimit=67108864",
                "diskUsageThreshold=0.999",
                "diskUsageWarnThreshold=0.99",
                "gcWaitTime=300000",
                "numAddWorkerThreads=1",
                "numReadWorkerThreads=1",
                "numHighPriorityWorkerThreads=1",
                "serverNumIOThreads=2",
                "");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(conf);
        }
        return file;
    }

    private static void setPrivateField(Object target, String name, Object value) throws Exception {
        Field f = PulsarStandalone.class.getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
    }

    private static String require(String flag, String value) {
        if (value == null) {
            usage(flag + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("PulsarTestBroker: " + problem);
        System.err.println("usage: PulsarTestBroker --data-dir DIR --broker-port PORT --web-port PORT"
                + " --bookie-port PORT");
        System.exit(2);
    }
}
