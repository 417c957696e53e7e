using System.Buffers.Binary;

namespace ActorSmtp.Protocol.Commands;

/// <summary>
/// Recognises the verb of a command line without allocating: the first four octets, folded to
/// lower case, are compared as one 32-bit value.
/// </summary>
public static class VerbReader
{
    private const uint LowerCaseMask = 0x20202020;

    private static readonly uint Helo = Key("helo"u8), Ehlo = Key("ehlo"u8), Mail = Key("mail"u8),
        Rcpt = Key("rcpt"u8), Data = Key("data"u8), Rset = Key("rset"u8), Noop = Key("noop"u8),
        Quit = Key("quit"u8), Vrfy = Key("vrfy"u8), Expn = Key("expn"u8), Help = Key("help"u8),
        Star = Key("star"u8), Ttls = Key("ttls"u8), Auth = Key("auth"u8), Bdat = Key("bdat"u8);

    /// <summary>Reads the verb and returns the argument text after the separating space (may be empty).</summary>
    public static SmtpVerb Read(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> argument)
    {
        argument = default;
        var verbLength = line.IndexOf((byte)' ');
        if (verbLength < 0)
            verbLength = line.Length;
        else
            argument = line[(verbLength + 1)..];

        return Identify(line[..verbLength]);
    }

    private static SmtpVerb Identify(ReadOnlySpan<byte> word)
    {
        if (word.Length == 8)
            return IsStartTls(word) ? SmtpVerb.StartTls : SmtpVerb.Unknown;
        if (word.Length != 4)
            return SmtpVerb.Unknown;

        var key = BinaryPrimitives.ReadUInt32LittleEndian(word) | LowerCaseMask;
        if (key == Mail) return SmtpVerb.Mail;
        if (key == Rcpt) return SmtpVerb.Rcpt;
        if (key == Data) return SmtpVerb.Data;
        if (key == Ehlo) return SmtpVerb.Ehlo;
        if (key == Helo) return SmtpVerb.Helo;
        if (key == Quit) return SmtpVerb.Quit;
        if (key == Rset) return SmtpVerb.Rset;
        if (key == Noop) return SmtpVerb.Noop;
        if (key == Vrfy) return SmtpVerb.Vrfy;
        if (key == Expn) return SmtpVerb.Expn;
        if (key == Help) return SmtpVerb.Help;
        if (key == Auth) return SmtpVerb.Auth;
        if (key == Bdat) return SmtpVerb.Bdat;
        return SmtpVerb.Unknown;
    }

    private static bool IsStartTls(ReadOnlySpan<byte> word) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(word) | LowerCaseMask) == Star &&
        (BinaryPrimitives.ReadUInt32LittleEndian(word[4..]) | LowerCaseMask) == Ttls;

    private static uint Key(ReadOnlySpan<byte> word) => BinaryPrimitives.ReadUInt32LittleEndian(word) | LowerCaseMask;
}
