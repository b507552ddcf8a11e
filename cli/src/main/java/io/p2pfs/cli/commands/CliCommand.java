package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliEnvironment;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.auth.Credentials;
import io.p2pfs.cli.auth.LockTokenStore;
import io.p2pfs.cli.auth.TokenCache;
import io.p2pfs.cli.config.Settings;
import io.p2pfs.cli.config.SettingsLoader;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.cli.output.Progress;
import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.P2pfsException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What every p2pfs command has: the global options, the run's environment, the profile's
 * settings and login, and a client of the services built on first use and closed at the end.
 */
public abstract class CliCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions own = new GlobalOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The global options in effect: this command's, else those given before its name. */
    GlobalOptions global = own;

    private CliEnvironment environment;
    private Settings settings;
    private Credentials credentials;
    private P2pfsClient client;
    private LockTokenStore locks;

    /** Set by the command factory before the command runs. */
    public void environment(CliEnvironment environment) {
        this.environment = environment;
    }

    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        if (spec != null && spec.root().userObject() instanceof io.p2pfs.cli.P2pfsCli root) {
            global = own.over(root.global);
        }
        try {
            return execute();
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    public boolean jsonOutput() {
        return global.json;
    }

    protected boolean quiet() {
        return global.quiet;
    }

    protected CliEnvironment env() {
        return environment;
    }

    protected PrintStream out() {
        return environment.out();
    }

    protected Printer printer() {
        return new Printer(environment.out());
    }

    /** An informational line for people on standard error (none with --quiet or --json). */
    protected void inform(String line) {
        if (!global.quiet && !global.json) {
            environment.err().println(line);
        }
    }

    protected Progress progress() {
        return new Progress(environment.err(), environment.terminal() && !global.quiet && !global.json,
                environment.columns());
    }

    protected Settings settings() {
        if (settings == null) {
            settings = SettingsLoader.load(environment, global.profile);
        }
        return settings;
    }

    protected Credentials credentials() {
        if (credentials == null) {
            credentials = new Credentials(settings());
        }
        return credentials;
    }

    protected LockTokenStore lockTokens() {
        if (locks == null) {
            locks = new LockTokenStore(settings().lockFile());
        }
        return locks;
    }

    protected P2pfsClient client() {
        if (client == null) {
            credentials().current();
            Settings s = settings();
            P2pfsClient.Builder builder = P2pfsClient.builder().metadata(s.metadataUrl()).tracker(s.trackerUrl())
                    .audit(s.auditUrl()).token(credentials()).jdkHttpForCalls();
            if (s.ca() != null) {
                builder.trust(s.ca());
            }
            client = builder.build();
        }
        return client;
    }

    /**
     * A remote path as typed: absolute as is, else below the caller's home directory
     * ({@code /<user id>}); normalised, trailing slash dropped.
     */
    protected String remote(String typed) {
        String path = typed.startsWith("/") ? typed : home() + "/" + typed;
        StringBuilder normal = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            normal.append('/').append(segment);
        }
        return normal.isEmpty() ? "/" : normal.toString();
    }

    /** The caller's home directory, {@code /<user id>}, asked of the tracker once per login. */
    protected String home() {
        TokenCache.Login login = credentials().current();
        if (login.userId() == null) {
            try {
                credentials().remember(login.withUserId(client().me().userId()));
            } catch (P2pfsException e) {
                if (e.status() == 404) {
                    throw CliFailure.usage("this login has no user id yet: run p2pfs login (it registers one) "
                            + "or give absolute paths");
                }
                throw e;
            }
        }
        return "/" + credentials().current().userId();
    }

    /** Whether {@code path} is an existing directory (false when nothing is there). */
    protected boolean isDirectory(String path) {
        try {
            return "DIR".equals(client().stat(path).type());
        } catch (P2pfsException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    protected static String name(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    protected static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    protected static String child(String directory, String name) {
        return directory.equals("/") ? "/" + name : directory + "/" + name;
    }
}
