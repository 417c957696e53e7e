using Akka.Actor;
using Akka.Configuration;
using ActorSmtp.Host;
using ActorSmtp.Server.Configuration;
using ActorSmtp.Server.Hosting;
using ActorSmtp.Sinks;
using Xunit;

namespace ActorSmtp.Server.Tests.Configuration;

/// <summary>Strict configuration, in process: which keys are known where, and what a custom type declares.</summary>
public sealed class StrictConfigurationTests
{
    private static SettingsException Refused(string hocon, SinkCatalog? catalog = null) =>
        Assert.Throws<SettingsException>(() => ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(hocon), catalog ?? ShippedSinks.Catalog()));

    [Theory]
    [InlineData("actorsmtp.limits.frobnicate = 1", "actorsmtp.limits.frobnicate", "unknown key")]
    [InlineData("actorsmtp.limits.max-mesage-size = 1MiB", "actorsmtp.limits.max-mesage-size", "did you mean actorsmtp.limits.max-message-size?")]
    [InlineData("actorsmtp.max-message-size = 1MiB", "actorsmtp.max-message-size", "did you mean actorsmtp.limits.max-message-size?")]
    [InlineData("actorsmtp.auth.users = [ { name = a, pasword-hash = x } ]", "actorsmtp.auth.users[0].pasword-hash", "did you mean actorsmtp.auth.users[0].password-hash?")]
    [InlineData("actorsmtp.routes = [ { domain = [\"a.test\"], sink = file } ]", "actorsmtp.routes[0].domain", "did you mean actorsmtp.routes[0].domains?")]
    [InlineData("actorsmtp.tls.certificates = [ { name = [\"a.test\"], pfx = x } ]", "actorsmtp.tls.certificates[0].name", "did you mean actorsmtp.tls.certificates[0].names?")]
    [InlineData("actorsmtp.cluster.view.enable = on", "actorsmtp.cluster.view.enable", "did you mean actorsmtp.cluster.view.enabled?")]
    [InlineData("actorsmtp.sinks.file.directroy = x", "actorsmtp.sinks.file.directroy", "did you mean actorsmtp.sinks.file.directory?")]
    [InlineData("actorsmtp.sinks.file.circuit-breaker.max-failure = 1", "actorsmtp.sinks.file.circuit-breaker.max-failure", "did you mean actorsmtp.sinks.file.circuit-breaker.max-failures?")]
    [InlineData("actorsmtp.sinks.blob.retry.delays = 1s", "actorsmtp.sinks.blob.retry.delays", "did you mean actorsmtp.sinks.blob.retry.delay?")]
    [InlineData("actorsmtp.sinks.x { type = null, directory = y }", "actorsmtp.sinks.x.directory", "unknown key")] // a file sink's key, not a null sink's
    [InlineData("actorsmtp.sinks.x { type = fan-out, sinks = [null, reject], fallback = file, sinkz = [] }", "actorsmtp.sinks.x.sinkz", "did you mean actorsmtp.sinks.x.sinks?")]
    [InlineData("actorsmpt.hostname = x", "actorsmpt", "did you mean actorsmtp?")]
    [InlineData("hostname = x", "hostname", "did you mean actorsmtp.hostname?")]
    public void An_unknown_key_is_refused_naming_it_and_the_key_probably_meant(string hocon, string key, string says)
    {
        var error = Refused(hocon);
        Assert.Equal(key, error.Key);
        Assert.Contains(says, error.Message);
    }

    [Theory]
    [InlineData("actorsmtp.accepted-domains = \"example.com\"", "actorsmtp.accepted-domains")]
    [InlineData("actorsmtp.accepted-domains = null", "actorsmtp.accepted-domains")]
    [InlineData("actorsmtp.trusted-networks = \"10.0.0.0/8\"", "actorsmtp.trusted-networks")]
    [InlineData("actorsmtp.accepted-domains = [ [\"a.test\"] ]", "actorsmtp.accepted-domains[0]")]
    [InlineData("actorsmtp.endpoints = { address = \"127.0.0.1\", port = 0 }", "actorsmtp.endpoints")]
    [InlineData("actorsmtp.endpoints = [ \"127.0.0.1:25\" ]", "actorsmtp.endpoints[0]")]
    [InlineData("actorsmtp.limits = 5", "actorsmtp.limits")]
    [InlineData("actorsmtp.hostname = [ a, b ]", "actorsmtp.hostname")]
    [InlineData("actorsmtp.tls.self-signed = maybe", "actorsmtp.tls.self-signed")]
    [InlineData("actorsmtp.auth.allow-insecure-auth = sometimes", "actorsmtp.auth.allow-insecure-auth")]
    [InlineData("actorsmtp.limits.close-on-non-smtp-commands = 2", "actorsmtp.limits.close-on-non-smtp-commands")]
    [InlineData("actorsmtp.cluster.enabled = perhaps", "actorsmtp.cluster.enabled")]
    [InlineData("actorsmtp.endpoints = [ { address = \"127.0.0.1\", port = 0, tls = starttls, require-tls = yes-please } ]", "actorsmtp.endpoints[0].require-tls")]
    [InlineData("actorsmtp.sinks.file.sync = [ files ]", "actorsmtp.sinks.file.sync")]
    public void A_value_of_the_wrong_type_is_refused_never_read_as_a_default(string hocon, string key)
    {
        // A list read from a single value used to be empty: accepted-domains = "example.com" was capture mode.
        Assert.Equal(key, Refused(hocon).Key);
    }

    [Theory]
    [InlineData("actorsmtp.sinks.file.sync = sometimes", "actorsmtp.sinks.file.sync")]
    [InlineData("actorsmtp.sinks.file.temporary-files = maybe", "actorsmtp.sinks.file.temporary-files")]
    [InlineData("actorsmtp.sinks.file.directory = \"\"", "actorsmtp.sinks.file.directory")]
    [InlineData("actorsmtp { sink = blob, sinks.blob.connection-string = \"AccountName=a;AccountKey=not base64!\" }", "actorsmtp.sinks.blob.connection-string")]
    [InlineData("actorsmtp { sink = blob, sinks.blob.container = \"No_Such\" }", "actorsmtp.sinks.blob.container")]
    [InlineData("actorsmtp { sink = reject, sinks.reject.code = abc }", "actorsmtp.sinks.reject.code")]
    [InlineData("actorsmtp { sink = reject, sinks.reject.message = \"4.3.2 later\" }", "actorsmtp.sinks.reject.message")]
    public void A_sink_checks_its_own_block_before_anything_is_created(string hocon, string key)
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorsmtp-strict-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(key, Refused($"actorsmtp.sinks.file.directory = \"{directory}\"\n{hocon}").Key);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Every_alias_and_element_key_the_readers_know_is_accepted()
    {
        var pem = Path.GetTempFileName();
        try
        {
            ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($$"""
                actorsmtp {
                  endpoints = [ { address = "127.0.0.1", port = 0, backlog = 10, tls = starttls, require-tls = on, auth = optional, proxy-protocol = off } ]
                  auth.users = [ { name = alice, password-hash = "{{ActorSmtp.Server.Auth.PasswordHash.Create("pw")}}" } ]
                  tls.handshake-timeout = 5s
                  tls.certificates = [ { names = ["a.test"], certificate = "{{pem}}", key = "{{pem}}" }, { names = ["b.test"], pfx = "{{pem}}", password = "x" } ]
                  routes = [ { domains = ["a.test"], addresses = ["x@*"], sink = file } ]
                  connection-mailbox.mailbox-capacity = 100
                  calling-thread-dispatcher.throughput-deadline-time = 1s
                }
                """), ShippedSinks.Catalog());
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void A_custom_sink_declares_its_keys_and_others_in_its_block_are_refused()
    {
        var type = typeof(DeclaringSink).AssemblyQualifiedName;
        var config = $"actorsmtp {{ sink = own, sinks.own {{ type = \"{type}\", url = x, timeout = 5s\n headers {{ X-Any = y }} }} }}";
        Assert.Equal("own", ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString(config)).Sink);

        var error = Refused($"actorsmtp {{ sink = own, sinks.own {{ type = \"{type}\", ulr = x }} }}");
        Assert.Equal("actorsmtp.sinks.own.ulr", error.Key);
        Assert.Contains("did you mean actorsmtp.sinks.own.url?", error.Message);
        // Registered in code by class: the same keys, and its own check of its block.
        var catalog = new SinkCatalog().Register<DeclaringSink>("declaring");
        Assert.Equal("actorsmtp.sinks.own.ulr", Refused("actorsmtp { sink = own, sinks.own { type = declaring, ulr = x } }", catalog).Key);
        Assert.Equal("actorsmtp.sinks.own.url", Refused("actorsmtp { sink = own, sinks.own { type = declaring, url = \"\" } }", catalog).Key);
    }

    [Fact]
    public void A_custom_sink_that_declares_nothing_owns_its_block()
    {
        var type = typeof(UndeclaredSink).AssemblyQualifiedName;
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp {{ sink = own, sinks.own {{ type = \"{type}\", anything = 1\n nested {{ at-all = 2 }} }} }}"));
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString("actorsmtp { sink = own, sinks.own { type = mine, anything = 1 } }"),
            new SinkCatalog().Register("mine", _ => Props.Create(() => new UndeclaredSink(Config.Empty))));
    }

    [Fact]
    public void A_sink_given_another_type_is_checked_against_the_keys_set_over_the_reference()
    {
        // The reference's file block (directory, sync, ...) is not the user's doing: only what the user set is checked.
        var type = typeof(DeclaringSink).AssemblyQualifiedName;
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp.sinks.file {{ type = \"{type}\", url = x }}"));
    }

    [Fact]
    public void A_custom_authenticator_declares_its_keys_in_the_auth_block()
    {
        var type = typeof(DeclaringAuthenticator).AssemblyQualifiedName;
        ActorSmtpSettings.FromConfig(ActorSmtpConfig.FromString($"actorsmtp.auth {{ authenticator = \"{type}\", ldap-url = x, max-failures = 2 }}"), ShippedSinks.Catalog());
        var error = Refused($"actorsmtp.auth {{ authenticator = \"{type}\", ldap-ulr = x }}");
        Assert.Equal("actorsmtp.auth.ldap-ulr", error.Key);
        Assert.Equal("actorsmtp.auth.max-failure", Refused("actorsmtp.auth.max-failure = 2").Key); // the built-in one knows only its own
    }

    [Theory]
    [InlineData("actorsmtp {\n  hostname = x\n", "line 1: '{' is never closed")]
    [InlineData("actorsmtp {\n  limits {\n    max-errors = 3\n}\n", "line 1: '{' is never closed")]
    [InlineData("actorsmtp.hostname = x\n}\nactorsmtp.sink = null\n", "line 2: '}' closes nothing")]
    [InlineData("actorsmtp.accepted-domains = [ \"a.test\" }\n", "line 1: '}' closes the '[' of line 1")]
    [InlineData("actorsmtp.hostname = \"x\n", "line 1: a quoted string is never closed")]
    public void A_syntax_error_names_its_line(string hocon, string says)
    {
        var error = Assert.Throws<ConfigurationException>(() => ActorSmtpConfig.FromString(hocon));
        Assert.Equal(says, error.Message);
    }

    [Fact]
    public void Brackets_in_strings_and_comments_are_not_syntax()
    {
        var config = ActorSmtpConfig.FromString(""""
            # a comment { with [ brackets
            actorsmtp.hostname = "x{y}[" // another }
            actorsmtp.sinks.reject.message = """5.7.1 no { thanks"""
            """");
        Assert.Equal("x{y}[", ActorSmtpSettings.FromConfig(config, ShippedSinks.Catalog()).Hostname);
    }

    [ConfigKeys("url", "headers")]
    public sealed class DeclaringSink(Config config) : MessageSinkActor, IValidatesConfig
    {
        public Config Config { get; } = config;

        public static void ValidateConfig(Config config)
        {
            if (string.IsNullOrEmpty(config.GetString("url", "")))
                throw new ConfigurationException("declaring sink: `url` is required");
        }

        protected override Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken) =>
            Task.FromResult<SinkProtocol.Result>(new SinkProtocol.Stored(store.MessageId, "nowhere"));
    }

    public sealed class UndeclaredSink(Config config) : MessageSinkActor
    {
        public Config Config { get; } = config;

        protected override Task<SinkProtocol.Result> StoreAsync(SinkProtocol.Store store, CancellationToken cancellationToken) =>
            Task.FromResult<SinkProtocol.Result>(new SinkProtocol.Stored(store.MessageId, "nowhere"));
    }

    [ConfigKeys("ldap-url")]
    public sealed class DeclaringAuthenticator(Config config) : ActorSmtp.Authentication.AuthenticatorActor
    {
        public Config Config { get; } = config;

        protected override Task<string?> AuthenticateAsync(ActorSmtp.Authentication.AuthenticatorProtocol.Authenticate request) =>
            Task.FromResult<string?>(null);
    }
}
