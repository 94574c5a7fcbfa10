package trichain.db;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.backend.InSet;
import org.h2.mvstore.MVStore;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs de.bwaldvogel mongo-java-server for trichain's local development and tests.
 *
 * <pre>
 *   java -jar mongo-java-server-launcher.jar --port 27018 --data-dir ./data   (H2 MVStore file data/mongo.mv.db)
 *   java -jar mongo-java-server-launcher.jar --port 0 --memory                (nothing on disk)
 *   options: --host 127.0.0.1, --oplog (enables change streams; the oplog grows without bound),
 *            --commit-delay-ms 100 (default: H2 commits in the background every N ms, so a SIGKILLed server
 *            loses up to the last ~N ms of acknowledged writes; 0: commit before each acknowledgement, which
 *            measured worse after a SIGKILL: see DurableH2Backend),
 *            --cache-mb 16 (H2 page cache, H2's default)
 * </pre>
 *
 * Prints one line to stdout when the socket is bound: {@code mongo-java-server-launcher: listening on mongodb://host:port/}.
 * Exits 0 on SIGTERM/SIGINT after closing the backend (which commits and closes the MVStore file),
 * and also when its parent process dies, so a killed Node parent does not leave an orphan behind.
 */
public final class Main {
    private static final String NAME = "mongo-java-server-launcher";

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27017;
        Path dataDir = null;
        boolean memory = false;
        boolean oplog = false;
        int commitDelayMs = 100;
        int cacheMb = 16; // H2's own default
        int ioThreads = 128;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i)).toAbsolutePath();
                case "--memory" -> memory = true;
                case "--oplog" -> oplog = true;
                case "--commit-delay-ms" -> commitDelayMs = Integer.parseInt(value(args, ++i));
                case "--cache-mb" -> cacheMb = Integer.parseInt(value(args, ++i));
                case "--io-threads" -> ioThreads = Integer.parseInt(value(args, ++i));
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (memory == (dataDir != null)) {
            fail("exactly one of --data-dir DIR or --memory is required");
        }

        requirePatchedMatcher();

        MongoBackend backend;
        if (memory) {
            backend = new IndexedMemoryBackend();
        } else {
            Files.createDirectories(dataDir);
            MVStore store = new MVStore.Builder()
                .fileName(dataDir.resolve("mongo.mv.db").toString())
                .cacheSize(cacheMb)
                // A failed background write leaves the store closed ("panic"): every later command would
                // fail while the process looked alive. Exit instead, so the supervisor and clients see it.
                .backgroundExceptionHandler((thread, e) -> {
                    System.err.println(NAME + ": H2 background writer failed, exiting: " + e);
                    e.printStackTrace();
                    Runtime.getRuntime().halt(70);
                })
                .open();
            // The background writer also compacts the file, so it keeps running in sync mode; there it
            // only finds work that a command's own commit has not already written.
            store.setAutoCommitDelay(commitDelayMs > 0 ? commitDelayMs : 1000);
            DurableH2Backend h2 = new DurableH2Backend(store, commitDelayMs == 0);
            backend = h2;
        }
        // The Node driver 7.x refuses servers below wire version 9 (MongoDB 4.4), and 1.47.0's
        // newest ServerVersion (MONGO_5_0) reports wire version 8. The version is only echoed in
        // hello/buildInfo (no server behaviour depends on it), so report 4.4 / wire 9: the lowest
        // the driver accepts, which keeps it from assuming newer server features.
        backend.version(new MongoVersion() {
            @Override
            public List<Integer> getVersionArray() {
                return List.of(4, 4, 0);
            }

            @Override
            public int getWireVersion() {
                return 9;
            }
        });
        if (oplog) {
            backend.enableOplog();
        }

        MongoServer server = new MongoServer(backend);
        // mongo-java-server runs every command on the netty event loop of its connection, and netty hands
        // connections to loops round-robin. With the default 2 x cores loops, a 3M-document aggregation (minutes)
        // blocked the loop the driver's monitor connection shared: no heartbeat reply for 30 s, the driver
        // dropped the pool and the aggregation failed ("connection <monitor> timed out"). Enough loops that live
        // connections practically never share one; a loop's thread starts only when a connection gets it.
        server.bind(new InetSocketAddress(host, port), 1, ioThreads);
        InetSocketAddress addr = server.getLocalAddress();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                // shutdown() closes client channels and then the backend (H2: commit + close file)
                server.shutdown();
                stopped.countDown();
            }
        };

        // A JVM killed by SIGTERM runs shutdown hooks but exits 143; handling TERM ourselves lets
        // the supervisor see a clean exit 0. The hook still covers other exit paths.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, NAME + "-shutdown"));
        for (String sig : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                stop.run();
                System.exit(0);
            });
        }
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println(NAME + ": parent process exited, shutting down");
            stop.run();
            System.exit(0);
        }));

        System.out.println(NAME + ": listening on mongodb://" + addr.getHostString() + ":" + addr.getPort() + "/");
        System.out.flush();
        stopped.await();
    }

    /**
     * The launcher's copy of DefaultQueryMatcher (long $in lists as hash sets, de.bwaldvogel.mongo.backend.InSet)
     * must be the one loaded, not the library's: the shaded jar keeps the first class of a name, the project's.
     */
    private static void requirePatchedMatcher() {
        try {
            DefaultQueryMatcher.class.getDeclaredField("inSets");
        } catch (NoSuchFieldException e) {
            fail("the library's DefaultQueryMatcher was loaded instead of the launcher's (" + InSet.MARKER + "): rebuild the jar");
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            fail("missing value for " + args[i - 1]);
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println(NAME + ": " + message);
        System.exit(2);
    }
}
