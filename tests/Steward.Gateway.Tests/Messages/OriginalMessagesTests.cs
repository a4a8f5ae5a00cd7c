using System.Net;
using System.Text;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

/// <summary>Messages written the way the original Steward's users write them, posted as they stand.</summary>
[Collection(BrokerCollection.Name)]
public sealed class OriginalMessagesTests(NatsServerFixture broker) : GatewayAgentTest(broker)
{
    [Fact]
    public async Task A_message_with_trailing_commas_comments_and_an_absolute_directory_runs_and_its_result_lands_under_the_data_folder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = await Client.PostMessagesAsync($$"""
            [
                {
                    // as in the original's README
                    "directory":"/var/cli/command_result/",
                    "fileName": "some-file-name.result",
                    "toNode": "{{Ship}}",
                    "method":"REQCliCommand",
                    "methodArgs": ["bash","-c","echo hello original"],
                    "replyMethod":"REQToFileAppend",
                    "ACKTimeout":5, /* seconds */
                    "retries":3,
                    "methodTimeout": 10,
                },
            ]
            """);

        var events = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        Assert.Contains(events, e => e.Event == "state" && e.Data.Contains("\"done\"", StringComparison.Ordinal));
        var file = Path.Combine(Gateway.DataFolder, "data", "var", "cli", "command_result", Ship, "some-file-name.result");
        Assert.Equal("hello original\n", await File.ReadAllTextAsync(file, timeout.Token));
    }

    [Fact]
    public async Task Data_as_an_array_of_strings_is_joined_one_per_line()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ids = await Client.PostMessagesAsync($$"""{"toNode":"{{Ship}}","method":"REQToFile","directory":"notes","fileName":"motd.txt","data":["first line","second line"]}""");

        var events = await Client.ReadEventsUntilFinalAsync(ids[0], timeout.Token);

        Assert.Contains(events, e => e.Event == "state" && e.Data.Contains("\"done\"", StringComparison.Ordinal));
        Assert.Equal("first line\nsecond line", await File.ReadAllTextAsync(Path.Combine(Agent.Context.FilesFolder, "notes", Gateway.NodeName, "motd.txt"), timeout.Token));
    }

    [Theory]
    [InlineData("""{"toNode":"ship1","method":"REQCliCommand","colour":"red",}""", "colour")]
    [InlineData("""{"toNode":"ship1","method":"REQCliCommand","retries":"3",}""", "retries")]
    [InlineData("""{"toNode":"ship1","method":"REQToFile","data":[1,2]}""", "data")]
    public async Task Everything_else_stays_strict_and_names_the_field(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await Client.PostAsync("/messages", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
