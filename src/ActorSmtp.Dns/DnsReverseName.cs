using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorSmtp.Dns;

/// <summary>The reversed form of an address that PTR lookups and DNS blocklists query.</summary>
public static class DnsReverseName
{
    /// <summary>
    /// The reversed labels, without a zone: "4.3.2.1" for 1.2.3.4 (RFC 5782 §2.1), 32 nibbles for an IPv6 address
    /// (§2.4). An IPv4-mapped IPv6 address is its IPv4 address.
    /// </summary>
    public static string Labels(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var bytes = plain.GetAddressBytes();
        if (plain.AddressFamily == AddressFamily.InterNetwork)
            return string.Join('.', bytes.Reverse());
        var nibbles = new StringBuilder(64);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (nibbles.Length > 0)
                nibbles.Append('.');
            nibbles.Append(Hex(bytes[i] & 0xF)).Append('.').Append(Hex(bytes[i] >> 4));
        }
        return nibbles.ToString();
    }

    /// <summary>The PTR question's name: the labels under in-addr.arpa (RFC 1035 §3.5) or ip6.arpa (RFC 3596 §2.5).</summary>
    public static string Ptr(IPAddress address) =>
        Labels(address) + (IsIPv4(address) ? ".in-addr.arpa" : ".ip6.arpa");

    /// <summary>True for an IPv4 address, or an IPv4-mapped IPv6 one.</summary>
    public static bool IsIPv4(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;

    private static char Hex(int nibble) => "0123456789abcdef"[nibble];
}
