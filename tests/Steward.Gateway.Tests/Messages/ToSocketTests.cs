using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class ToSocketTests(NatsServerFixture broker) : GatewayAgentTest(broker)
{
    [Fact]
    public async Task Data_is_written_to_a_unix_socket_in_the_nodes_files_folder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Directory.CreateDirectory(Agent.Context.FilesFolder);
        var path = Path.Combine(Agent.Context.FilesFolder, "app.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var data = Convert.ToBase64String("hello socket"u8);

        await Client.PostMessagesAsync($$"""{"toNode":"{{Ship}}","method":"REQToSocket","methodArgs":["{{path}}"],"data":"{{data}}"}""");

        using var connection = await listener.AcceptAsync(timeout.Token);
        using var received = new MemoryStream();
        await new NetworkStream(connection).CopyToAsync(received, timeout.Token);
        Assert.Equal("hello socket", Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task A_socket_outside_the_data_folder_and_the_allowed_prefixes_is_refused_naming_it()
    {
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{Ship}}","method":"REQToSocket","methodArgs":["/var/run/docker.sock"],"data":"aGk="}""");

        await Until.TrueAsync("the message is rejected", async () => await Client.StateOfAsync(ids[0]) == "rejected");
        var view = await Client.GetFromJsonAsync<JsonElement>($"/messages/{ids[0]}");
        Assert.Contains("outside the node's files folder and the allowed prefixes", view.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }
}
