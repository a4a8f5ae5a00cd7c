using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Steward.TestSupport;

/// <summary>
/// A TCP proxy on a free 127.0.0.1 port in front of a target (the broker), whose link a test can make bad: slow,
/// stalled (no byte moves either way, connections stay open), cut (every connection reset), or refusing new ones.
/// Hand-written because the faults must be switched from inside a test, between two lines of it.
/// </summary>
public sealed class FaultyLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Connection, bool> _connections = new();
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Open();
    private TaskCompletionSource _upstreamFlowing = Open();
    private long _delayTicks;
    private volatile bool _refusing;
    private int _forwarded;
    private int _cuts;
    private int _disposed;

    public FaultyLink(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stopping.Token);
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>How many connections were forwarded to the target so far: it grows when a client (re)connects.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Every chunk waits this long before it is passed on (zero: no added latency).</summary>
    public void Delay(TimeSpan latency) => Interlocked.Exchange(ref _delayTicks, latency.Ticks);

    /// <summary>No byte moves either way, on current and new connections, until <see cref="Resume"/>; nothing is closed.</summary>
    public void Stall()
    {
        lock (_gate)
            if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Bytes from the client to the target stop, on current and new connections, until <see cref="Resume"/>; the other way
    /// they flow: the client still hears the target, and what it says waits in its own buffers.
    /// </summary>
    public void StallUpstream()
    {
        lock (_gate)
            if (_upstreamFlowing.Task.IsCompleted) _upstreamFlowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Resume()
    {
        lock (_gate)
        {
            _flowing.TrySetResult();
            _upstreamFlowing.TrySetResult();
        }
    }

    /// <summary>Resets every current connection (RST, as when a route drops); new connections are accepted as before.</summary>
    public void Cut()
    {
        Interlocked.Increment(ref _cuts);
        foreach (var connection in _connections.Keys) connection.Reset();
    }

    /// <summary>While true, a new connection is reset as soon as it is accepted; current ones are left alone.</summary>
    public void Refuse(bool refuse) => _refusing = refuse;

    private Task Flowing(bool upstream)
    {
        lock (_gate) return upstream ? Task.WhenAll(_flowing.Task, _upstreamFlowing.Task) : _flowing.Task;
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>Accepts until disposed, then waits for every connection it started to end.</summary>
    private async Task AcceptAsync(CancellationToken stopping)
    {
        var serving = new List<Task>();
        while (true)
        {
            try
            {
                var client = await _listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
                serving.RemoveAll(task => task.IsCompleted);
                serving.Add(ServeAsync(client, stopping));
            }
            catch (SocketException) when (!stopping.IsCancellationRequested)
            {
                // one connection that failed while being accepted; keep accepting
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
        }
        await Task.WhenAll(serving).ConfigureAwait(false);   // ServeAsync never throws
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connection = new Connection(client, target, stopping);
        try
        {
            if (_refusing) return;
            var cutsBefore = Volatile.Read(ref _cuts);
            await target.ConnectAsync(IPAddress.Loopback, _targetPort, connection.Token).ConfigureAwait(false);
            _connections[connection] = true;
            // Cut or refused while it was connecting: Cut() did not see it yet, so it goes now.
            if (_refusing || Volatile.Read(ref _cuts) != cutsBefore) return;
            Interlocked.Increment(ref _forwarded);
            await Task.WhenAll(PumpAsync(client, target, connection, upstream: true), PumpAsync(target, client, connection, upstream: false)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the target is down, or the connection was cut or closed: either way it ends below
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Reset();
        }
    }

    /// <summary>One direction; when it ends (end of stream or an error) the whole connection is reset.</summary>
    private async Task PumpAsync(Socket from, Socket to, Connection connection, bool upstream)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, connection.Token).ConfigureAwait(false)) > 0)
            {
                await Flowing(upstream).WaitAsync(connection.Token).ConfigureAwait(false);
                if (Interlocked.Read(ref _delayTicks) is > 0 and var ticks) await Task.Delay(TimeSpan.FromTicks(ticks), connection.Token).ConfigureAwait(false);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, connection.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // cut, or the other side went away
        }
        finally
        {
            connection.Reset();
        }
    }

    /// <summary>Stops accepting, resets every connection and waits until each has ended. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Both sockets of one forwarded connection.</summary>
    private sealed class Connection(Socket client, Socket target, CancellationToken stopping)
    {
        private readonly CancellationTokenSource _cut = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        private int _reset;

        public CancellationToken Token => _cut.Token;

        /// <summary>Closes both sides at once with RST (linger 0) instead of a polite FIN.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1) return;
            _cut.Cancel();
            foreach (var socket in new[] { client, target })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // never connected, or already closed
                }
                socket.Dispose();
            }
        }
    }
}
