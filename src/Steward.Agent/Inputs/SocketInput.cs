using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steward.Core.Messages;
using Steward.Core.Node;

namespace Steward.Agent.Inputs;

/// <summary>
/// <c>&lt;data&gt;/steward.sock</c> (mode 0600): <c>nc -U steward.sock &lt; msg.json</c> submits one message or an array;
/// the node answers one line of JSON, <c>{"ids":[...]}</c> or <c>{"errors":{...}}</c>. Removed when the node stops.
/// Linux and macOS only: Windows has no file modes to keep it the owner's, and its tools do not speak to such a socket.
/// </summary>
internal sealed partial class SocketInput(NodeRuntime node, ILogger<SocketInput> logger) : BackgroundService
{
    private const int MaxBytes = 1024 * 1024;
    private const int MaxClients = 64;
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _clients = new(MaxClients, MaxClients);

    public string Path => node.Context.SocketPath;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OperatingSystem.IsWindows())
        {
            Log.NoSocketOnWindows(logger);
            return;
        }
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(Path);   // left over from a node that was killed
            listener.Bind(new UnixDomainSocketEndPoint(Path));
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch (Exception e) when (e is SocketException or IOException or ArgumentException)
        {
            Log.CannotListen(logger, Path, e.Message);   // the node runs on without its socket (e.g. a path over 108 bytes)
            return;
        }
        Log.Listening(logger, Path);
        try
        {
            while (true)
            {
                await _clients.WaitAsync(stoppingToken);
                try
                {
                    var client = await listener.AcceptAsync(stoppingToken);
                    _ = Task.Run(() => AnswerAsync(client, stoppingToken), stoppingToken);
                }
                catch (SocketException e)
                {
                    _clients.Release();
                    Log.AcceptFailed(logger, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            File.Delete(Path);
        }
    }

    private async Task AnswerAsync(Socket client, CancellationToken stopping)
    {
        using var _ = client;
        try
        {
            await AnswerOneAsync(client, stopping);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            Log.ClientFailed(logger, e.Message);   // a client that went away, or sent nothing whole within the limit
        }
        finally
        {
            _clients.Release();
        }
    }

    private async Task AnswerOneAsync(Socket client, CancellationToken stopping)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        limit.CancelAfter(ReadLimit);
        var parsed = MessageInput.Parse(await ReadOneJsonValueAsync(client, limit.Token), EntryPoint.NodeInput);
        string answer;
        if (parsed.Errors.Count > 0)
        {
            answer = JsonSerializer.Serialize(new SocketAnswer(null, parsed.Errors), SocketJson.Default.SocketAnswer);
            Log.Rejected(logger, parsed.Summary);
        }
        else
        {
            var ids = await node.Outbox.AcceptAsync(parsed.Messages);
            answer = JsonSerializer.Serialize(new SocketAnswer(ids, null), SocketJson.Default.SocketAnswer);
            Log.Accepted(logger, string.Join(",", ids));
        }
        await client.SendAsync(Encoding.UTF8.GetBytes(answer + "\n"), limit.Token);
        client.Shutdown(SocketShutdown.Both);
    }

    /// <summary>Reads until the client closes its side or one whole JSON value has come (netcat may keep the connection open).</summary>
    private static async Task<byte[]> ReadOneJsonValueAsync(Socket client, CancellationToken ct)
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        for (int read; received.Count < MaxBytes && (read = await client.ReceiveAsync(buffer, ct)) > 0;)
        {
            received.AddRange(buffer.AsSpan(0, read));
            if (IsWholeValue(received.ToArray())) break;
        }
        return received.ToArray();
    }

    private static bool IsWholeValue(byte[] json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        try
        {
            while (reader.Read())
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return true;
            return false;
        }
        catch (JsonException)
        {
            return true;   // not JSON at all: answer with the parse error now
        }
    }

    private static partial class Log
    {
        [LoggerMessage(10201, LogLevel.Information, "Socket {Path} takes messages")]
        public static partial void Listening(ILogger logger, string path);

        [LoggerMessage(10202, LogLevel.Information, "Socket message(s) accepted as {Ids}")]
        public static partial void Accepted(ILogger logger, string ids);

        [LoggerMessage(10203, LogLevel.Warning, "Socket input rejected: {Problems}")]
        public static partial void Rejected(ILogger logger, string problems);

        [LoggerMessage(10204, LogLevel.Error, "Cannot listen on socket {Path}: {Reason}; the node runs without it")]
        public static partial void CannotListen(ILogger logger, string path, string reason);

        [LoggerMessage(10205, LogLevel.Warning, "Socket accept failed: {Reason}")]
        public static partial void AcceptFailed(ILogger logger, string reason);

        [LoggerMessage(10207, LogLevel.Information, "No socket input on Windows: the inbox folder takes messages")]
        public static partial void NoSocketOnWindows(ILogger logger);

        [LoggerMessage(10206, LogLevel.Information, "Socket client dropped: {Reason}")]
        public static partial void ClientFailed(ILogger logger, string reason);
    }
}

/// <summary>The one line the socket answers.</summary>
internal sealed record SocketAnswer(IReadOnlyList<long>? Ids, Dictionary<string, string[]>? Errors);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SocketAnswer))]
internal sealed partial class SocketJson : System.Text.Json.Serialization.JsonSerializerContext;
