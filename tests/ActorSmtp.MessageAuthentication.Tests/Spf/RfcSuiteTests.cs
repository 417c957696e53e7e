using System.Net;
using ActorSmtp.MessageAuthentication.Spf;
using ActorSmtp.Sinks;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace ActorSmtp.MessageAuthentication.Tests.Spf;

/// <summary>
/// Every case of the openspf.org RFC 7208 test suite (release 2014.04, Spf/Suite/rfc7208-tests.yml, BSD licence beside it),
/// one theory row each, against its section's zone data. A case with several accepted results passes on any of them;
/// an explanation the suite names (not DEFAULT) must be the reason of a fail.
/// </summary>
public sealed class RfcSuiteTests
{
    private static readonly Lazy<IReadOnlyList<Section>> Sections = new(Load);

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var section in Sections.Value)
            foreach (var name in section.Cases.Keys)
                cases.Add($"{section.Description} / {name}");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_suite_case_gives_an_accepted_result(string id)
    {
        var cut = id.IndexOf(" / ", StringComparison.Ordinal);
        var section = Sections.Value.Single(s => s.Description == id[..cut]);
        var test = section.Cases[id[(cut + 3)..]];

        var check = await new SpfEvaluator(section.Zone).CheckAsync(
            new SpfRequest(IPAddress.Parse(test.Host), test.MailFrom, test.Helo, "receiver.test"), CancellationToken.None);

        Assert.True(test.Results.Contains(SuiteName(check.Result)),
            $"{id} (spec {test.Spec}): expected {string.Join(" or ", test.Results)}, got {SuiteName(check.Result)} ({check.Reason})");
        if (test.Explanation is { } explanation && explanation != "DEFAULT" && check.Result == SpfResult.Fail)
            Assert.Equal(explanation, check.Reason, ignoreCase: true); // v-macro-ip6 spells %{ir}'s nibbles in upper case
    }

    private static string SuiteName(SpfResult result) => result.ToString().ToLowerInvariant();

    private sealed record Case(string Spec, string Helo, string Host, string MailFrom, IReadOnlyList<string> Results, string? Explanation);

    private sealed record Section(string Description, IReadOnlyDictionary<string, Case> Cases, SuiteZone Zone);

    private static IReadOnlyList<Section> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Spf", "Suite", "rfc7208-tests.yml");
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        var yaml = new DeserializerBuilder().Build();
        parser.Consume<StreamStart>();
        var sections = new List<Section>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = yaml.Deserialize<Dictionary<object, object>>(parser);
            sections.Add(new Section((string)document["description"], Tests(document), Zone(document)));
        }
        return sections;
    }

    private static Dictionary<string, Case> Tests(Dictionary<object, object> document) =>
        ((Dictionary<object, object>)document["tests"]).ToDictionary(t => (string)t.Key, t =>
        {
            var test = (Dictionary<object, object>)t.Value;
            string Text(string key) => test.TryGetValue(key, out var value) ? value as string ?? "" : "";
            var results = test["result"] is List<object> list ? list.Cast<string>().ToArray() : [(string)test["result"]];
            return new Case(Text("spec"), Text("helo"), Text("host"), Text("mailfrom"), results,
                test.TryGetValue("explanation", out var exp) ? (string)exp : null);
        });

    private static SuiteZone Zone(Dictionary<object, object> document)
    {
        var zone = new SuiteZone();
        if (!document.TryGetValue("zonedata", out var data) || data is not Dictionary<object, object> names)
            return zone;
        foreach (var (name, records) in names)
            foreach (var record in (List<object>)records)
            {
                if (record is string scalar) // TIMEOUT
                    zone.Add((string)name, scalar, scalar);
                else
                    foreach (var (type, value) in (Dictionary<object, object>)record)
                        foreach (var one in Values((string)type, value))
                            zone.Add((string)name, (string)type, one);
            }
        return zone;
    }

    /// <summary>A: and AAAA: may list several addresses; TXT/SPF lists are one record's strings; MX is one [pref, host].</summary>
    private static IEnumerable<object> Values(string type, object value) =>
        type is "A" or "AAAA" or "PTR" && value is List<object> many ? many : [value];
}
