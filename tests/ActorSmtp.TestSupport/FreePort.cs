using System.Net;
using System.Net.Sockets;

namespace ActorSmtp.TestSupport;

/// <summary>Ports for the helper processes, which cannot be told to bind port 0 and report it.</summary>
public static class FreePort
{
    /// <summary>A TCP port free on every address of <paramref name="addresses"/> (default 127.0.0.1) right now.</summary>
    public static int Tcp(params IPAddress[] addresses)
    {
        var on = addresses.Length > 0 ? addresses : [IPAddress.Loopback];
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new TcpListener(on[0], 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (on.Skip(1).All(address => IsFree(address, port)) || attempt > 20)
                return port;
        }
    }

    /// <summary>A UDP and TCP port free on 127.0.0.1 (a resolver listens on both).</summary>
    public static int Dns()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            if (IsFree(IPAddress.Loopback, port))
                return port;
        }
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Resolves when something accepts TCP connections at <paramref name="endPoint"/>.</summary>
    public static async Task WaitUntilListeningAsync(IPEndPoint endPoint, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(endPoint);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
