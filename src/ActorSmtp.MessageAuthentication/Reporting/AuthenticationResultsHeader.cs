using ActorSmtp.Sinks;

namespace ActorSmtp.MessageAuthentication.Reporting;

/// <summary>Writes the RFC 8601 <c>Authentication-Results</c> header field for a message's checks.</summary>
public static class AuthenticationResultsHeader
{
    /// <summary>The header field name.</summary>
    public const string FieldName = "Authentication-Results";

    /// <summary>
    /// The field value (what follows <c>"Authentication-Results: "</c>), e.g.
    /// <c>mx.example.test; spf=pass smtp.mailfrom=a.test; dkim=pass header.d=a.test header.s=s1 header.a=rsa-sha256;
    /// dmarc=pass (p=reject) header.from=a.test; arc=none</c>.
    /// </summary>
    /// <param name="authservId">This server's authserv-id (its host name, RFC 8601 §2.5).</param>
    /// <param name="results">The checks; one that is off (null) is left out, and with none at all the value is
    /// <c>"&lt;authserv-id&gt;; none"</c> (§2.2 no-result).</param>
    /// <remarks>
    /// <para>One resinfo per method in the order spf, dkim (one per signature, <c>dkim=none</c> when DKIM ran on an
    /// unsigned message), dmarc, arc; results in lower case (§2.7). SPF reports <c>smtp.mailfrom=</c> (the checked
    /// MAIL FROM domain) or <c>smtp.helo=</c> for the HELO identity (§2.7.2); DKIM <c>header.d/s/a</c> (§2.7.1);
    /// DMARC <c>header.from</c> (RFC 7489 §11.2) with the applied policy as a comment. A reason is a quoted
    /// <c>reason="…"</c>; a property value that is neither an RFC 2045 token nor an address is quoted (§2.2).</para>
    /// <para>Folded with CRLF + tab into lines of at most 78 characters, counting the field name, where a space allows;
    /// no CRLF at the end: the caller writes <c>"Authentication-Results: " + value + "\r\n"</c>. DNS blocklist results
    /// have no RFC 8601 method and are not written.</para>
    /// </remarks>
    public static string Format(string authservId, AuthenticationResults results)
    {
        var words = new List<string> { HeaderValue.Value(authservId) };
        var resinfos = Resinfos(results).ToList();
        if (resinfos.Count == 0)
            resinfos.Add(["none"]);
        foreach (var resinfo in resinfos)
        {
            words[^1] += ";";
            words.AddRange(resinfo);
        }
        return HeaderFolding.Fold(words, FieldName.Length + 2);
    }

    private static IEnumerable<List<string>> Resinfos(AuthenticationResults results)
    {
        if (results.Spf is { } spf)
        {
            var ptype = spf.Identity.Equals("helo", StringComparison.OrdinalIgnoreCase) ? "smtp.helo" : "smtp.mailfrom";
            yield return Resinfo("spf", Name(spf.Result), spf.Reason, null, (ptype, spf.Domain));
        }
        if (results.Dkim is { } signatures)
        {
            if (signatures.Count == 0)
                yield return ["dkim=none"];
            foreach (var dkim in signatures)
            {
                yield return Resinfo("dkim", Name(dkim.Result), dkim.Reason, null,
                    ("header.d", dkim.Domain), ("header.s", dkim.Selector), ("header.a", dkim.Algorithm));
            }
        }
        if (results.Dmarc is { } dmarc)
        {
            var comment = dmarc.Result is DmarcResult.Pass or DmarcResult.Fail ? $"(p={Name(dmarc.Policy)})" : null;
            yield return Resinfo("dmarc", Name(dmarc.Result), dmarc.Reason, comment, ("header.from", dmarc.FromDomain));
        }
        if (results.Arc is { } arc)
            yield return Resinfo("arc", Name(arc.Result), arc.Reason, null);
    }

    /// <summary>§2.2: methodspec [CFWS reasonspec] [CFWS 1*propspec]; a property with no value is left out.</summary>
    private static List<string> Resinfo(string method, string result, string? reason, string? comment,
        params (string Property, string? Value)[] properties)
    {
        var words = new List<string> { $"{method}={result}" };
        if (comment is not null)
            words.Add(comment);
        if (!string.IsNullOrEmpty(reason))
            words.Add("reason=" + HeaderValue.Quoted(reason));
        foreach (var (property, value) in properties)
        {
            if (!string.IsNullOrEmpty(value))
                words.Add($"{property}={HeaderValue.PropertyValue(value)}");
        }
        return words;
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
