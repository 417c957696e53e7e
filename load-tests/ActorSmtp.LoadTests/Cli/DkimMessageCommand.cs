using System.CommandLine;
using ActorSmtp.LoadTests.Clients;
using ActorSmtp.LoadTests.Scenarios;
using MimeKit;
using MimeKit.Cryptography;
using ActorSmtp.TestSupport;

namespace ActorSmtp.LoadTests.Cli;

/// <summary>
/// <c>dkim-message</c>: a message of a given size signed with a fresh DKIM key (RSA 2048 or Ed25519), and the TXT record
/// that publishes the key: what the authentication benchmark sends (run, big --message-file) with the checks on. The body
/// is written to a file first and signed from it, so a 100 MB message never sits in this process's memory.
/// </summary>
internal static class DkimMessageCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { DefaultValueFactory = _ => "load@a.test" };
        var selector = new Option<string>("--selector") { DefaultValueFactory = _ => "s1" };
        var size = new Option<string>("--size") { DefaultValueFactory = _ => "1k" };
        var algorithm = new Option<string>("--algorithm") { Description = "rsa or ed25519", DefaultValueFactory = _ => "rsa" };
        var output = new Option<string>("--out") { Description = "folder for message.eml and key.txt", Required = true };
        var command = new Command("dkim-message", "Write a DKIM-signed message of a given size and its key's TXT record")
        {
            from, selector, size, algorithm, output,
        };
        command.SetAction(options =>
        {
            Write(options.GetValue(from)!, options.GetValue(selector)!, UnitText.ParseBytes(options.GetValue(size)!),
                options.GetValue(algorithm) == "ed25519", options.GetValue(output)!);
            return ExitCodes.Passed;
        });
        return command;
    }

    private static void Write(string from, string selector, long size, bool ed25519, string folder)
    {
        Directory.CreateDirectory(folder);
        var domain = from[(from.LastIndexOf('@') + 1)..];
        var (key, record) = ed25519 ? DkimKeyMaterial.Ed25519() : DkimKeyMaterial.Rsa();
        var bodyFile = Path.Combine(folder, "body.txt");
        WriteBody(bodyFile, size);
        using var body = File.OpenRead(bodyFile);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("rcpt1@localhost"));
        message.Subject = "ActorSmtp authentication benchmark";
        message.Body = new TextPart("plain") { Content = new MimeContent(body, ContentEncoding.SevenBit), ContentTransferEncoding = ContentEncoding.SevenBit };
        var options = new FormatOptions { NewLineFormat = NewLineFormat.Dos };
        var algorithm = ed25519 ? DkimSignatureAlgorithm.Ed25519Sha256 : DkimSignatureAlgorithm.RsaSha256;
        new DkimSigner(key, domain, selector, algorithm)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        }.Sign(options, message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        using (var eml = File.Create(Path.Combine(folder, "message.eml")))
            message.WriteTo(options, eml);
        body.Dispose();
        File.Delete(bodyFile);
        File.WriteAllText(Path.Combine(folder, "key.txt"), record + "\n");
        Console.WriteLine($"{Path.Combine(folder, "message.eml")}: {selector}._domainkey.{domain} TXT in key.txt");
    }

    private static void WriteBody(string path, long size)
    {
        using var file = File.Create(path);
        var chunk = new byte[64 * 1024];
        MessageBodies.FillLines(chunk);
        for (long written = 0; written < size; written += chunk.Length)
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, Math.Max(80, size - written) / 80 * 80));
    }
}
