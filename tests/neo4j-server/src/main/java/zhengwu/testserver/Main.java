package zhengwu.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A real embedded Neo4j 5.26 DBMS for the test suite: Bolt on 127.0.0.1 only, auth enabled.
 *
 * <p>Usage: {@code java -Xmx1g -cp target/classes:target/dependency/* zhengwu.testserver.Main
 * --home DIR [--port N] [--uri-file FILE] [--pagecache 64m]}. The password of user {@code neo4j}
 * comes from the environment variable {@code NEO4J_PASSWORD} (never an argument, so it does not
 * show in process listings). Prints one flushed line {@code NEO4J_BOLT_URI=bolt://127.0.0.1:PORT}
 * (also written to --uri-file via temp+rename) and blocks until stdin closes, then shuts down.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        int port = 0;
        Path uriFile = null;
        long pagecache = 64L * 1024 * 1024;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--home" -> { home = Path.of(require(a, v)); i++; }
                case "--port" -> { port = Integer.parseInt(require(a, v)); i++; }
                case "--uri-file" -> { uriFile = Path.of(require(a, v)); i++; }
                case "--pagecache" -> { pagecache = parseBytes(require(a, v)); i++; }
                default -> fail("unknown argument: " + a);
            }
        }
        if (home == null) {
            home = Files.createTempDirectory("zhengwu-neo4j-");
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("set NEO4J_PASSWORD (at least 8 characters) for the neo4j user");
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                dbms.shutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

        String uri;
        try {
            setPassword(dbms, password);
            GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database("neo4j");
            HostnamePort bound = db.getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            uri = "bolt://127.0.0.1:" + bound.getPort();
            if (uriFile != null) {
                Path tmp = uriFile.resolveSibling(uriFile.getFileName() + ".tmp");
                Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, uriFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Exception e) {
            // The DBMS's own threads would keep the JVM alive: stop it and exit with the reason.
            System.err.println("neo4j-test-server: start-up failed: " + e);
            stop.run();
            System.exit(1);
            return;
        }
        System.out.println("NEO4J_BOLT_URI=" + uri);
        System.out.flush();

        waitForStdinClose(System.in);
        stop.run();
        System.exit(0);
    }

    /** Embedded access bypasses auth: set the neo4j user's password so Bolt clients must use it. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Reopening a store with the same password: Neo4j refuses a "change" to the same value.
            if (String.valueOf(e.getMessage()).contains("cannot be the same")) {
                return;
            }
            throw e;
        }
    }

    private static void waitForStdinClose(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // Input is ignored: the parent holds the pipe open for as long as it wants the server.
            }
        } catch (IOException e) {
            // A broken pipe means the parent is gone: shut down.
        }
    }

    private static long parseBytes(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        if (t.endsWith("k")) { mult = 1024; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { mult = 1024L * 1024; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("g")) { mult = 1024L * 1024 * 1024; t = t.substring(0, t.length() - 1); }
        return Long.parseLong(t) * mult;
    }

    private static String require(String flag, String value) {
        if (value == null) {
            fail(flag + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("neo4j-test-server: " + message);
        System.exit(2);
    }
}
